'use client';
// The bar above the terminal: time left before the sandbox stops on its own (lifetime or
// inactivity), a visible warning near the end, Extend, Start after a stop, and Reset (with a
// confirmation) which discards the learner's kept work. Talks to /api/sandbox*; tells the terminal
// to reconnect (and so start the sandbox again) through SANDBOX_RESTART_EVENT.
import { useCallback, useEffect, useRef, useState } from 'react';
import { ApiError, apiFetch } from '@/lib/security/client-fetch';
import type { SandboxView } from '@/lib/sandboxes/view';
import { SANDBOX_CHANGED_EVENT, SANDBOX_RESTART_EVENT } from '../terminal/events';
import { sandboxStringsFor } from './sandbox-strings';
import { countdown, formatHoursMinutes, formatMinutesSeconds } from './sandbox-time';

interface Snapshot {
  view: SandboxView | null;
  serverNow: string;
  fetchedAt: number;
}

const POLL_MS = 30_000;
const gb = (n: number) => `${(n / 1024 ** 3).toFixed(1)} GB`;

export default function SandboxBar({ lang }: { lang: string }) {
  const t = sandboxStringsFor(lang);
  const [snap, setSnap] = useState<Snapshot>();
  const [now, setNow] = useState(() => Date.now());
  const [busy, setBusy] = useState<'extend' | 'reset'>();
  const [confirming, setConfirming] = useState(false);
  const [notice, setNotice] = useState('');
  const [error, setError] = useState('');
  const stoppingSince = useRef<number | undefined>(undefined);

  const accept = useCallback((data: { now: string; sandbox: SandboxView | null }) => {
    setSnap({ view: data.sandbox, serverNow: data.now, fetchedAt: Date.now() });
  }, []);
  const refresh = useCallback(() => {
    apiFetch<{ now: string; sandbox: SandboxView | null }>('/api/sandbox').then(accept, () => undefined);
  }, [accept]);

  useEffect(() => {
    refresh();
    const poll = setInterval(refresh, POLL_MS);
    const tick = setInterval(() => setNow(Date.now()), 1000);
    const onVisible = () => document.visibilityState === 'visible' && refresh();
    document.addEventListener('visibilitychange', onVisible);
    window.addEventListener(SANDBOX_CHANGED_EVENT, refresh);
    return () => {
      clearInterval(poll);
      clearInterval(tick);
      document.removeEventListener('visibilitychange', onVisible);
      window.removeEventListener(SANDBOX_CHANGED_EVENT, refresh);
    };
  }, [refresh]);

  useEffect(() => {
    if (!notice) return;
    const id = setTimeout(() => setNotice(''), 8000);
    return () => clearTimeout(id);
  }, [notice]);

  const c = countdown(snap?.view, snap?.serverNow ?? '', snap?.fetchedAt ?? 0, now);
  // Once the stop is due, ask the server what happened (every few seconds, not every tick).
  useEffect(() => {
    if (c.kind !== 'stopping') {
      stoppingSince.current = undefined;
      return;
    }
    if (stoppingSince.current === undefined || now - stoppingSince.current >= 5000) {
      stoppingSince.current = now;
      refresh();
    }
  }, [c.kind, now, refresh]);

  const fail = (err: unknown) => setError(`${t.failed} ${err instanceof ApiError || err instanceof Error ? err.message : String(err)}`);

  const extend = async () => {
    setBusy('extend');
    setError('');
    try {
      const data = await apiFetch<{ now: string; sandbox: SandboxView | null }>('/api/sandbox/extend', { body: { minutes: 60 } });
      accept(data);
      const left = countdown(data.sandbox, data.now, Date.now(), Date.now());
      setNotice(t.extended(formatHoursMinutes(left.leftMs)));
    } catch (err) {
      fail(err);
    } finally {
      setBusy(undefined);
    }
  };

  const reset = async () => {
    setConfirming(false);
    setBusy('reset');
    setError('');
    try {
      accept(await apiFetch<{ now: string; sandbox: null }>('/api/sandbox/reset', { body: { confirm: true } }));
      setNotice(t.resetDone);
      window.dispatchEvent(new Event(SANDBOX_RESTART_EVENT));
    } catch (err) {
      fail(err);
    } finally {
      setBusy(undefined);
    }
  };

  const start = () => {
    setNotice('');
    window.dispatchEvent(new Event(SANDBOX_RESTART_EVENT));
  };

  const view = snap?.view;
  const stopped = view && view.state !== 'running' && view.state !== 'starting';
  // Always hh:mm in the bar (one format to read); the warning below counts m:ss.
  const clock = formatHoursMinutes(c.leftMs);
  const label = c.reason === 'idle' ? t.idleLeft(clock) : t.timeLeft(clock);
  // No sandbox (yet, or just reset): only what was just done is worth showing.
  if (!view) {
    return notice || error ? (
      <div className="sandbox-bar" data-testid="sandbox-bar">
        <p className={error ? 'sandbox-error' : 'sandbox-notice'} role="status">
          {error || notice}
        </p>
      </div>
    ) : null;
  }

  return (
    <div className={`sandbox-bar sandbox-bar-${stopped ? 'stopped' : c.kind}`} data-testid="sandbox-bar">
      <div className="sandbox-bar-row">
        {(c.kind === 'ok' || c.kind === 'warning') && (
          <span className="sandbox-time" data-testid="sandbox-time-left" title={view.stopsAt}>
            {label}
          </span>
        )}
        {c.kind === 'stopping' && <span className="sandbox-time">{t.stopping}</span>}
        {stopped && <span className="sandbox-time">{t.stopped}</span>}
        {view.disk && <span className="sandbox-disk">{t.disk(gb(view.disk.usedBytes), gb(view.disk.limitBytes))}</span>}
        <span className="sandbox-bar-spacer" />
        {view.canExtend && c.kind !== 'stopping' && (
          <button type="button" className="terminal-button" onClick={extend} disabled={busy !== undefined}>
            {busy === 'extend' ? t.extending : t.extend}
          </button>
        )}
        {(stopped || c.kind === 'stopping') && (
          <button type="button" className="terminal-button" onClick={start}>
            {t.start}
          </button>
        )}
        {view.canReset && (
          <button type="button" className="terminal-button sandbox-reset" onClick={() => setConfirming(true)} disabled={busy !== undefined} aria-expanded={confirming}>
            {busy === 'reset' ? t.resetting : t.reset}
          </button>
        )}
      </div>
      {c.kind === 'warning' && (
        <p className="sandbox-warning" role="alert">
          {c.reason === 'idle' ? t.idleWarning(formatMinutesSeconds(c.leftMs)) : t.warning(formatMinutesSeconds(c.leftMs))}
        </p>
      )}
      {confirming && (
        <div className="sandbox-confirm" role="alertdialog" aria-label={t.reset}>
          <p>{t.confirmReset}</p>
          <button type="button" className="terminal-button sandbox-reset" onClick={reset}>
            {t.confirmResetYes}
          </button>
          <button type="button" className="terminal-button" onClick={() => setConfirming(false)} autoFocus>
            {t.confirmResetNo}
          </button>
        </div>
      )}
      {(notice || error) && (
        <p className={error ? 'sandbox-error' : 'sandbox-notice'} role="status">
          {error || notice}
        </p>
      )}
    </div>
  );
}
