import type { Metadata } from 'next';
import type { ReactNode } from 'react';
import { currentUser } from '@/lib/auth/request';
import { translations } from '@/lib/i18n';
import SiteHeader from './components/site/SiteHeader';
import './globals.css';

export const metadata: Metadata = {
  title: 'kubelab',
  description: 'Hands-on Docker and Kubernetes courses with a real terminal and honest grading.',
};

export default async function RootLayout({ children }: { children: ReactNode }) {
  const [{ lang, t }, user] = await Promise.all([translations(), currentUser()]);
  return (
    <html lang={lang}>
      <body>
        <SiteHeader lang={lang} user={user ? { name: user.name ?? user.email, role: user.role } : null} labels={{ catalog: t.catalog, signIn: t.signIn, signOut: t.signOut, language: t.language, history: t.history, instructor: t.instructor }} />
        <main>{children}</main>
      </body>
    </html>
  );
}
