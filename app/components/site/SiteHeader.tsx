'use client';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { signOut } from 'next-auth/react';

interface Props {
  lang: 'en' | 'ko';
  user: { name: string; role: string } | null;
  labels: { catalog: string; signIn: string; signOut: string; language: string; history: string; instructor: string };
}

export default function SiteHeader({ lang, user, labels }: Props) {
  const router = useRouter();
  const switchLanguage = (next: string) => {
    document.cookie = `kubelab.lang=${next}; path=/; max-age=31536000; samesite=lax`;
    router.refresh();
  };
  return (
    <header className="site-header">
      <Link href="/" className="brand">
        <span className="brand-mark" aria-hidden>
          ⎈
        </span>
        kubelab
      </Link>
      <nav className="site-nav">
        <Link href="/">{labels.catalog}</Link>
        {user ? <Link href="/history">{labels.history}</Link> : null}
        {user?.role === 'admin' || user?.role === 'instructor' ? <Link href="/instructor">{labels.instructor}</Link> : null}
      </nav>
      <div className="site-actions">
        <label className="language-switch">
          <span className="visually-hidden">{labels.language}</span>
          <select value={lang} onChange={(e) => switchLanguage(e.target.value)} aria-label={labels.language}>
            <option value="en">English</option>
            <option value="ko">한국어</option>
          </select>
        </label>
        {user ? (
          <>
            <span className="user-name">{user.name}</span>
            <button type="button" className="link-button" onClick={() => void signOut({ callbackUrl: '/' })}>
              {labels.signOut}
            </button>
          </>
        ) : (
          <Link href="/signin" className="button button-small">
            {labels.signIn}
          </Link>
        )}
      </div>
    </header>
  );
}
