// Sandbox checks: for outcomes no API shows (a NodePort answering curl, a file the learner wrote).
import { compare, describeComparator, formatValue } from '../comparator';
import { outcome, type Outcome } from '../outcome';
import type { SandboxCommandCheck, SandboxFileCheck } from '../schema';
import type { SandboxRunner } from '../targets';

const COMMAND_TIMEOUT_MS = 10_000;

export async function sandboxCommand(c: SandboxCommandCheck, sandbox: SandboxRunner): Promise<Outcome> {
  const result = await sandbox.exec(c.run, { timeoutMs: COMMAND_TIMEOUT_MS });
  const exitCode = c.exitCode ?? 0;
  const wanted = [`\`${c.run}\` to exit with ${describeComparator(exitCode)}`];
  const problems: string[] = [];
  if (!compare(result.exitCode, exitCode)) problems.push(`exit code ${result.exitCode}`);
  if (c.stdout !== undefined) {
    wanted.push(`print ${describeComparator(c.stdout)}`);
    if (!compare(result.stdout.trim(), c.stdout)) problems.push(`output ${formatValue(clip(result.stdout.trim()))}`);
  }
  if (c.stderr !== undefined) {
    wanted.push(`report ${describeComparator(c.stderr)} on stderr`);
    if (!compare(result.stderr.trim(), c.stderr)) problems.push(`stderr ${formatValue(clip(result.stderr.trim()))}`);
  }
  if (problems.length && result.exitCode !== 0 && c.stderr === undefined && result.stderr.trim()) problems.push(`stderr ${formatValue(clip(result.stderr.trim()))}`);
  return outcome(problems.length === 0, wanted.join(' and '), problems.length ? problems.join(', ') : `exit code ${result.exitCode}`);
}

export async function sandboxFile(c: SandboxFileCheck, sandbox: SandboxRunner): Promise<Outcome> {
  const want = c.exists ?? true;
  const path = shellQuote(c.path.startsWith('/') || c.path.startsWith('~') ? c.path : `./${c.path}`).replace(/^'~/, "~'");
  const probe = await sandbox.exec(`cd ~ && if [ -e ${path} ]; then cat -- ${path}; else exit 3; fi`, { timeoutMs: COMMAND_TIMEOUT_MS });
  const exists = probe.exitCode !== 3;
  const expected = `file ${c.path} ${want ? 'to exist' : 'not to exist'}${c.content !== undefined ? ` with content ${describeComparator(c.content)}` : ''}`;
  if (!exists || !want) return outcome(exists === want, expected, exists ? 'it exists' : 'it does not exist');
  if (c.content === undefined) return outcome(true, expected, 'it exists');
  const content = probe.stdout.replace(/\n$/, '');
  return outcome(compare(content, c.content), expected, `content ${formatValue(clip(content))}`);
}

function clip(text: string, max = 200): string {
  return text.length > max ? text.slice(0, max) + '…' : text;
}

export function shellQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}
