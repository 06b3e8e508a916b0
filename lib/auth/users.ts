// Account creation and credential checks.
import bcrypt from 'bcryptjs';
import { z } from 'zod';
import type { Db } from '../db';

export const roles = ['learner', 'instructor', 'admin'] as const;
export type Role = (typeof roles)[number];

export const signUpSchema = z.object({
  name: z.string().trim().min(1, 'enter your name').max(100).optional(),
  email: z.string().trim().toLowerCase().pipe(z.email('enter a valid email address')),
  password: z.string().min(8, 'the password needs at least 8 characters').max(200, 'the password is too long'),
});
export type SignUpInput = z.input<typeof signUpSchema>;

export interface SessionUser {
  id: string;
  email: string;
  name: string | null;
  role: Role;
}

export class DuplicateEmailError extends Error {
  constructor(email: string) {
    super(`an account for ${email} already exists`);
  }
}

const BCRYPT_ROUNDS = 10;
// Compared against when the email is unknown, so both failures take the same time.
const DUMMY_HASH = bcrypt.hashSync('kubelab-timing-equaliser', BCRYPT_ROUNDS);

export async function createUser(db: Db, input: SignUpInput, role: Role = 'learner'): Promise<SessionUser> {
  const data = signUpSchema.parse(input);
  const existing = await db.user.findUnique({ where: { email: data.email } });
  if (existing) throw new DuplicateEmailError(data.email);
  const passwordHash = await bcrypt.hash(data.password, BCRYPT_ROUNDS);
  const user = await db.user.create({ data: { email: data.email, name: data.name ?? null, passwordHash, role } });
  return { id: user.id, email: user.email, name: user.name, role: user.role };
}

/** The user for valid credentials, else null (no hint whether the email exists). */
export async function verifyCredentials(db: Db, email: string, password: string): Promise<SessionUser | null> {
  const user = await db.user.findUnique({ where: { email: email.trim().toLowerCase() } });
  const ok = await bcrypt.compare(password, user?.passwordHash ?? DUMMY_HASH);
  if (!user || !user.passwordHash || !ok) return null;
  return { id: user.id, email: user.email, name: user.name, role: user.role };
}

/** Creates the first admin from KUBELAB_ADMIN_EMAIL/PASSWORD when no admin exists yet. */
export async function ensureBootstrapAdmin(db: Db, admin: { email: string; password: string } | undefined): Promise<boolean> {
  if (!admin) return false;
  if (await db.user.count({ where: { role: 'admin' } })) return false;
  const existing = await db.user.findUnique({ where: { email: admin.email.toLowerCase() } });
  if (existing) {
    await db.user.update({ where: { id: existing.id }, data: { role: 'admin' } });
    return true;
  }
  await createUser(db, { email: admin.email, password: admin.password, name: 'Administrator' }, 'admin');
  return true;
}
