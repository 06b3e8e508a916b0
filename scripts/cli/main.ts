// The `kubelab` operator CLI. Each file in ./commands registers one command group
// (e.g. `lessons`, `admin`, `cluster`, `sandbox`), so groups stay independent.
import { readdirSync } from 'node:fs';
import path from 'node:path';
import type { CommandGroup } from './types';

function loadGroups(): Map<string, CommandGroup> {
  const dir = path.join(__dirname, 'commands');
  const groups = new Map<string, CommandGroup>();
  for (const file of readdirSync(dir).sort()) {
    if (!/\.ts$/.test(file) || file.endsWith('.d.ts')) continue;
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const mod = require(path.join(dir, file)) as { group?: CommandGroup };
    if (mod.group) groups.set(mod.group.name, mod.group);
  }
  return groups;
}

function usage(groups: Map<string, CommandGroup>): string {
  const lines = ['Usage: kubelab <command> [options]', '', 'Commands:'];
  for (const g of groups.values()) lines.push(`  ${g.name.padEnd(10)} ${g.summary}`);
  lines.push('', 'Run `kubelab <command> --help` for details.');
  return lines.join('\n');
}

async function main(argv: string[]): Promise<number> {
  const groups = loadGroups();
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(usage(groups) + '\n');
    return name ? 0 : 1;
  }
  const group = groups.get(name);
  if (!group) {
    process.stderr.write(`kubelab: unknown command "${name}"\n\n${usage(groups)}\n`);
    return 2;
  }
  return group.run(rest);
}

main(process.argv.slice(2)).then(
  (code) => {
    if (typeof code === 'number') process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`kubelab: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  },
);
