'use client';
// API tokens for the export API (LMS integration): create (shown once), list, revoke.
import { useState } from 'react';
import { apiFetch } from '@/lib/security/client-fetch';

interface TokenRow {
  id: string;
  name: string;
  createdAt: string;
  lastUsedAt: string | null;
}

export function ApiTokens({ initial }: { initial: TokenRow[] }) {
  const [tokens, setTokens] = useState(initial);
  const [name, setName] = useState('');
  const [created, setCreated] = useState<string>();
  const [error, setError] = useState<string>();

  async function create(e: React.FormEvent) {
    e.preventDefault();
    setError(undefined);
    try {
      const t = await apiFetch<{ id: string; name: string; token: string; createdAt: string }>('/api/v1/tokens', { body: { name } });
      setCreated(t.token);
      setTokens((list) => [{ id: t.id, name: t.name, createdAt: t.createdAt, lastUsedAt: null }, ...list]);
      setName('');
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    }
  }

  async function revoke(id: string) {
    setError(undefined);
    try {
      await apiFetch(`/api/v1/tokens/${encodeURIComponent(id)}`, { method: 'DELETE' });
      setTokens((list) => list.filter((t) => t.id !== id));
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    }
  }

  return (
    <section aria-labelledby="api-tokens">
      <h2 id="api-tokens">API tokens</h2>
      <p className="muted">
        For LMS integration: <code>curl -H &quot;Authorization: Bearer TOKEN&quot; /api/v1/dashboard?format=csv</code> or <code>/api/v1/submissions</code>.
      </p>
      <form className="grading-filters" onSubmit={create}>
        <label>
          Name
          <input value={name} onChange={(e) => setName(e.target.value)} placeholder="e.g. Moodle" required maxLength={100} />
        </label>
        <button type="submit">Create token</button>
      </form>
      {created && (
        <p role="status">
          Copy this token now; it is not shown again: <span className="grading-token">{created}</span>
        </p>
      )}
      {error && <p role="alert">{error}</p>}
      {tokens.length > 0 && (
        <table className="grading-table">
          <thead>
            <tr>
              <th>Name</th>
              <th>Created</th>
              <th>Last used</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {tokens.map((t) => (
              <tr key={t.id}>
                <td>{t.name}</td>
                <td>{t.createdAt.slice(0, 10)}</td>
                <td>{t.lastUsedAt ? t.lastUsedAt.replace('T', ' ').slice(0, 16) : 'never'}</td>
                <td>
                  <button type="button" onClick={() => void revoke(t.id)}>
                    Revoke
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
