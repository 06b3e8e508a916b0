// `kubelab admin create --email E [--password P] [--role admin|instructor|learner] [--name N]`
import { createInterface } from 'node:readline/promises';
import type { CommandGroup } from '../types';

const help = `Usage: kubelab admin create --email EMAIL [--password PASSWORD] [--role admin|instructor|learner] [--name NAME]
       kubelab admin role --email EMAIL --role admin|instructor|learner

Without --password, the password is read from the terminal (or from KUBELAB_ADMIN_PASSWORD).
`;

function flags(args: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i < args.length; i++) {
    const m = /^--([a-z]+)(?:=(.*))?$/.exec(args[i]);
    if (!m) throw new Error(`unexpected argument "${args[i]}"\n\n${help}`);
    out[m[1]] = m[2] ?? args[++i] ?? '';
  }
  return out;
}

async function readPassword(): Promise<string> {
  if (process.env.KUBELAB_ADMIN_PASSWORD) return process.env.KUBELAB_ADMIN_PASSWORD;
  if (!process.stdin.isTTY) throw new Error('--password is required when not on a terminal');
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  const password = await rl.question('Password (8+ characters): ');
  rl.close();
  return password;
}

export const group: CommandGroup = {
  name: 'admin',
  summary: 'Create users and change roles',
  async run(args) {
    const [sub, ...rest] = args;
    if (sub !== 'create' && sub !== 'role') {
      process.stdout.write(help);
      return sub ? 2 : 0;
    }
    const f = flags(rest);
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { runPrepare } = require('./prepare') as typeof import('./prepare');
    await runPrepare(() => undefined);
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { db } = require('../../../lib/db') as typeof import('../../../lib/db');
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const users = require('../../../lib/auth/users') as typeof import('../../../lib/auth/users');
    const role = (f.role ?? 'admin') as (typeof users.roles)[number];
    if (!users.roles.includes(role)) throw new Error(`--role must be one of ${users.roles.join(', ')}`);
    if (!f.email) throw new Error(`--email is required\n\n${help}`);
    if (sub === 'role') {
      const updated = await db().user.update({ where: { email: f.email.toLowerCase() }, data: { role } }).catch(() => undefined);
      if (!updated) throw new Error(`no user ${f.email}`);
      process.stdout.write(`${updated.email} is now ${role}\n`);
      return 0;
    }
    const password = f.password ?? (await readPassword());
    try {
      const user = await users.createUser(db(), { email: f.email, password, name: f.name }, role);
      process.stdout.write(`created ${user.role} ${user.email} (${user.id})\n`);
      return 0;
    } catch (err) {
      if (err instanceof users.DuplicateEmailError) {
        process.stderr.write(`kubelab admin: ${err.message}; use "kubelab admin role --email ${f.email} --role ${role}" to change its role\n`);
        return 1;
      }
      const issues = (err as { issues?: { path: string[]; message: string }[] }).issues;
      if (issues) {
        process.stderr.write(`kubelab admin: ${issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}\n`);
        return 2;
      }
      throw err;
    }
  },
};
