'use client';
import Link from 'next/link';
import { signIn } from 'next-auth/react';
import { useRouter, useSearchParams } from 'next/navigation';
import { useState, type FormEvent } from 'react';
import { ApiError, apiFetch } from '@/lib/security/client-fetch';

interface Props {
  mode: 'signin' | 'signup';
  github: boolean;
  labels: { title: string; submit: string; email: string; password: string; name: string; switchText: string; switchLink: string; github: string };
}

/** Only same-site paths are followed after sign-in (no open redirects). */
function safeCallback(value: string | null): string {
  return value && value.startsWith('/') && !value.startsWith('//') ? value : '/';
}

export default function AuthForm({ mode, github, labels }: Props) {
  const router = useRouter();
  const params = useSearchParams();
  const callbackUrl = safeCallback(params.get('callbackUrl'));
  const [error, setError] = useState<string>('');
  const [busy, setBusy] = useState(false);

  async function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    setError('');
    setBusy(true);
    const form = new FormData(e.currentTarget);
    const email = String(form.get('email') ?? '');
    const password = String(form.get('password') ?? '');
    try {
      if (mode === 'signup') await apiFetch('/api/signup', { body: { name: String(form.get('name') ?? '') || undefined, email, password } });
      const result = await signIn('credentials', { email, password, redirect: false });
      if (!result || result.error) {
        setError(result?.error === 'CredentialsSignin' ? 'Wrong email or password.' : (result?.error ?? 'Sign-in failed.'));
        return;
      }
      router.push(callbackUrl);
      router.refresh();
    } catch (err) {
      setError(err instanceof ApiError ? err.message : 'Something went wrong. Try again.');
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="auth-card">
      <h1>{labels.title}</h1>
      <form onSubmit={onSubmit} className="auth-form">
        {mode === 'signup' && (
          <label>
            {labels.name}
            <input name="name" autoComplete="name" maxLength={100} />
          </label>
        )}
        <label>
          {labels.email}
          <input name="email" type="email" autoComplete="email" required />
        </label>
        <label>
          {labels.password}
          <input name="password" type="password" autoComplete={mode === 'signup' ? 'new-password' : 'current-password'} minLength={mode === 'signup' ? 8 : undefined} required />
        </label>
        {error && (
          <p className="form-error" role="alert">
            {error}
          </p>
        )}
        <button type="submit" className="button" disabled={busy}>
          {labels.submit}
        </button>
      </form>
      {github && (
        <button type="button" className="button button-secondary" onClick={() => void signIn('github', { callbackUrl })}>
          {labels.github}
        </button>
      )}
      <p className="muted">
        {labels.switchText} <Link href={`${mode === 'signin' ? '/signup' : '/signin'}?callbackUrl=${encodeURIComponent(callbackUrl)}`}>{labels.switchLink}</Link>
      </p>
    </div>
  );
}
