// next-auth configuration: email + password credentials (bcrypt), optional GitHub OAuth,
// JWT sessions carrying the user id and role, login rate limiting.
import type { NextAuthOptions, User } from 'next-auth';
import CredentialsProvider from 'next-auth/providers/credentials';
import GitHubProvider from 'next-auth/providers/github';
import { config } from '../config';
import { db } from '../db';
import { limiter } from '../security/rate-limit';
import { verifyCredentials, type Role } from './users';

export const LOGIN_LIMIT = { attempts: 5, windowMs: 60_000 };

function clientIp(headers: Record<string, unknown> | undefined): string {
  const forwarded = headers?.['x-forwarded-for'];
  return (typeof forwarded === 'string' ? forwarded.split(',')[0].trim() : '') || 'local';
}

export function authOptions(): NextAuthOptions {
  const cfg = config();
  const providers: NextAuthOptions['providers'] = [
    CredentialsProvider({
      name: 'Email',
      credentials: { email: { label: 'Email', type: 'email' }, password: { label: 'Password', type: 'password' } },
      async authorize(credentials, req) {
        const email = String(credentials?.email ?? '').trim().toLowerCase();
        const password = String(credentials?.password ?? '');
        if (!email || !password) return null;
        const gate = limiter('login', LOGIN_LIMIT.attempts, LOGIN_LIMIT.windowMs).take(`${clientIp(req?.headers)}:${email}`);
        if (!gate.allowed) throw new Error(`Too many sign-in attempts. Try again in ${gate.retryAfterSeconds} s.`);
        const user = await verifyCredentials(db(), email, password);
        return user ? ({ id: user.id, email: user.email, name: user.name, role: user.role } as User) : null;
      },
    }),
  ];
  if (cfg.github) providers.push(GitHubProvider(cfg.github));

  return {
    secret: cfg.secret,
    session: { strategy: 'jwt', maxAge: 30 * 24 * 3600 },
    pages: { signIn: '/signin' },
    providers,
    callbacks: {
      async signIn({ user, account }) {
        if (account?.provider !== 'github') return true;
        if (!user.email) return '/signin?error=GitHubEmail';
        const email = user.email.toLowerCase();
        const existing = await db().user.findUnique({ where: { email } });
        const record = existing ?? (await db().user.create({ data: { email, name: user.name ?? null } }));
        await db().account.upsert({
          where: { provider_providerAccountId: { provider: 'github', providerAccountId: account.providerAccountId } },
          update: {},
          create: { userId: record.id, provider: 'github', providerAccountId: account.providerAccountId },
        });
        (user as { id: string }).id = record.id;
        (user as { role?: Role }).role = record.role;
        return true;
      },
      async jwt({ token, user }) {
        if (user) {
          token.uid = (user as { id: string }).id;
          token.role = (user as { role?: Role }).role ?? 'learner';
        }
        return token;
      },
      async session({ session, token }) {
        if (session.user) {
          (session.user as { id?: string }).id = token.uid as string;
          (session.user as { role?: Role }).role = token.role as Role;
        }
        return session;
      },
    },
  };
}
