import { Suspense } from 'react';
import { config } from '@/lib/config';
import { translations } from '@/lib/i18n';
import AuthForm from '../components/site/AuthForm';

export const dynamic = 'force-dynamic';

export default async function Page() {
  const { t } = await translations();
  const signin = true;
  return (
    <Suspense>
      <AuthForm
        mode="signin"
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
