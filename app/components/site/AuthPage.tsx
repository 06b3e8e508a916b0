// The sign-in and sign-up pages: the same form with mode-specific labels.
import { Suspense } from 'react';
import { config } from '@/lib/config';
import { translations } from '@/lib/i18n';
import AuthForm from './AuthForm';

export default async function AuthPage({ mode }: { mode: 'signin' | 'signup' }) {
  const { t } = await translations();
  const signin = mode === 'signin';
  return (
    <Suspense>
      <AuthForm
        mode={mode}
        github={Boolean(config().github)}
        labels={{
          title: signin ? t.signIn : t.signUp,
          submit: signin ? t.signIn : t.signUp,
          email: t.email,
          password: t.password,
          name: t.name,
          switchText: signin ? t.noAccount : t.haveAccount,
          switchLink: signin ? t.signUp : t.signIn,
          github: t.signInWithGitHub,
        }}
      />
    </Suspense>
  );
}
