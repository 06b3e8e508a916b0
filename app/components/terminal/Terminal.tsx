'use client';
// The learner's terminal: xterm.js attached over a WebSocket to their own sandbox. Reconnects on
// its own (the server replays recent output), copies and pastes the way people expect, and runs
// commands sent from the lesson (the `kubelab:terminal-input` window event).
import '@xterm/xterm/css/xterm.css';
import { useEffect, useRef, useState } from 'react';
import type { Terminal as XTerm } from '@xterm/xterm';
import type { SearchAddon } from '@xterm/addon-search';
import { SANDBOX_CHANGED_EVENT, SANDBOX_RESTART_EVENT } from './events';

export const TERMINAL_INPUT_EVENT = 'kubelab:terminal-input';

type Status = 'connecting' | 'starting' | 'connected' | 'reconnecting' | 'error';

interface Props {
  profile: 'none' | 'docker' | 'kubernetes' | 'full';
  labels: { connecting: string; starting: string; connected: string; reconnecting: string; search: string; copyOnSelect: string; hint: string };
}

export default function Terminal({ profile, labels }: Props) {
  const container = useRef<HTMLDivElement>(null);
  const searchRef = useRef<SearchAddon | null>(null);
  const [status, setStatus] = useState<Status>('connecting');
  const [message, setMessage] = useState<string>('');
  const [searchOpen, setSearchOpen] = useState(false);
  const [query, setQuery] = useState('');
  const [copyOnSelect, setCopyOnSelect] = useState(true);
  const copyOnSelectRef = useRef(copyOnSelect);

  useEffect(() => {
    const stored = window.localStorage.getItem('kubelab.copyOnSelect');
    if (stored !== null) setCopyOnSelect(stored === '1');
  }, []);
  useEffect(() => {
    copyOnSelectRef.current = copyOnSelect;
    window.localStorage.setItem('kubelab.copyOnSelect', copyOnSelect ? '1' : '0');
  }, [copyOnSelect]);

  useEffect(() => {
    let disposed = false;
    let ws: WebSocket | undefined;
    let term: XTerm | undefined;
    let retry = 0;
    let retryTimer: ReturnType<typeof setTimeout> | undefined;
    const cleanups: (() => void)[] = [];

    const send = (m: object) => {
      if (ws?.readyState === WebSocket.OPEN) ws.send(JSON.stringify(m));
    };

    (async () => {
      const [{ Terminal: XTermCtor }, { FitAddon }, { WebLinksAddon }, { SearchAddon: SearchCtor }] = await Promise.all([
        import('@xterm/xterm'),
        import('@xterm/addon-fit'),
        import('@xterm/addon-web-links'),
        import('@xterm/addon-search'),
      ]);
      if (disposed || !container.current) return;
      const styles = getComputedStyle(document.documentElement);
      term = new XTermCtor({
        cursorBlink: true,
        fontFamily: 'ui-monospace, SFMono-Regular, Menlo, Consolas, monospace',
        fontSize: 14,
        scrollback: 5000,
        allowProposedApi: true,
        theme: { background: styles.getPropertyValue('--term-bg').trim() || '#0d1117', foreground: styles.getPropertyValue('--term-fg').trim() || '#e6edf3' },
      });
      const fit = new FitAddon();
      const search = new SearchCtor();
      searchRef.current = search;
      term.loadAddon(fit);
      term.loadAddon(new WebLinksAddon());
      term.loadAddon(search);
      term.open(container.current);
      fit.fit();
      const t = term;

      const copySelection = () => {
        const text = t.getSelection();
        if (text) void navigator.clipboard?.writeText(text).catch(() => undefined);
        return Boolean(text);
      };
      const paste = async () => {
        const text = await navigator.clipboard?.readText().catch(() => '');
        if (text) send({ type: 'input', data: text });
      };
      t.attachCustomKeyEventHandler((e) => {
        if (e.type !== 'keydown') return true;
        const key = e.key.toLowerCase();
        if (e.ctrlKey && e.shiftKey && key === 'c') {
          copySelection();
          e.preventDefault();
          return false;
        }
        if (e.ctrlKey && e.shiftKey && key === 'v') {
          void paste();
          e.preventDefault();
          return false;
        }
        if (e.ctrlKey && e.shiftKey && key === 'f') {
          setSearchOpen(true);
          e.preventDefault();
          return false;
        }
        // Ctrl+C copies when text is selected (like most terminals on the desktop), else it is SIGINT.
        if (e.ctrlKey && !e.shiftKey && key === 'c' && t.hasSelection()) {
          copySelection();
          t.clearSelection();
          return false;
        }
        return true;
      });
      const selection = t.onSelectionChange(() => {
        if (copyOnSelectRef.current && t.hasSelection()) copySelection();
      });
      cleanups.push(() => selection.dispose());
      const onContextMenu = (e: MouseEvent) => {
        e.preventDefault();
        void paste();
      };
      container.current.addEventListener('contextmenu', onContextMenu);
      cleanups.push(() => container.current?.removeEventListener('contextmenu', onContextMenu));

      const input = t.onData((data) => send({ type: 'input', data }));
      cleanups.push(() => input.dispose());
      const resized = t.onResize(({ cols, rows }) => send({ type: 'resize', cols, rows }));
      cleanups.push(() => resized.dispose());
      const observer = new ResizeObserver(() => {
        try {
          fit.fit();
        } catch {
          /* not visible */
        }
      });
      observer.observe(container.current);
      cleanups.push(() => observer.disconnect());

      const onLessonCommand = (e: Event) => {
        const text = (e as CustomEvent<{ text?: string }>).detail?.text;
        if (typeof text === 'string' && text) {
          send({ type: 'input', data: text });
          t.focus();
        }
      };
      window.addEventListener(TERMINAL_INPUT_EVENT, onLessonCommand);
      cleanups.push(() => window.removeEventListener(TERMINAL_INPUT_EVENT, onLessonCommand));

      const connect = () => {
        if (disposed) return;
        const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/api/terminal?profile=${profile}&cols=${t.cols}&rows=${t.rows}`;
        ws = new WebSocket(url);
        setStatus(retry === 0 ? 'connecting' : 'reconnecting');
        let replaying = true;
        ws.onopen = () => {
          retry = 0;
        };
        ws.onmessage = (ev) => {
          const m = JSON.parse(String(ev.data)) as { type: string; data?: string; state?: string; message?: string };
          if (m.type === 'output' && m.data) {
            if (replaying) {
              t.reset();
              replaying = false;
            }
            t.write(m.data);
          } else if (m.type === 'status') {
            if (m.state === 'ready') {
              replaying = false;
              setStatus('connected');
              setMessage('');
              window.dispatchEvent(new Event(SANDBOX_CHANGED_EVENT));
              t.focus();
            } else if (m.state === 'starting') {
              setStatus('starting');
            } else if (m.state === 'error') {
              setStatus('error');
              setMessage(m.message ?? '');
              window.dispatchEvent(new Event(SANDBOX_CHANGED_EVENT));
            }
          }
        };
        ws.onclose = () => {
          if (disposed) return;
          setStatus((s) => (s === 'error' ? s : 'reconnecting'));
          retry = Math.min(retry + 1, 6);
          retryTimer = setTimeout(connect, Math.min(500 * 2 ** (retry - 1), 10_000));
        };
      };
      connect();

      // Start/Reset in the sandbox bar: a fresh connection makes the server start the sandbox again.
      const onRestart = () => {
        retry = 0;
        if (retryTimer) clearTimeout(retryTimer);
        if (ws && ws.readyState !== WebSocket.CLOSED) ws.close();
        else connect();
      };
      window.addEventListener(SANDBOX_RESTART_EVENT, onRestart);
      cleanups.push(() => window.removeEventListener(SANDBOX_RESTART_EVENT, onRestart));
    })();

    return () => {
      disposed = true;
      if (retryTimer) clearTimeout(retryTimer);
      ws?.close();
      for (const c of cleanups) c();
      term?.dispose();
    };
  }, [profile]);

  const runSearch = (forward: boolean) => {
    if (!query) return;
    if (forward) searchRef.current?.findNext(query);
    else searchRef.current?.findPrevious(query);
  };

  const statusText = status === 'error' ? message : labels[status === 'connected' ? 'connected' : status];
  return (
    <div className="terminal-pane">
      <div className="terminal-toolbar">
        <span className={`terminal-status terminal-status-${status}`} role="status" aria-live="polite">
          {statusText}
        </span>
        <span className="terminal-hint">{labels.hint}</span>
        <label className="terminal-option">
          <input type="checkbox" checked={copyOnSelect} onChange={(e) => setCopyOnSelect(e.target.checked)} /> {labels.copyOnSelect}
        </label>
        <button type="button" className="terminal-button" onClick={() => setSearchOpen((o) => !o)} aria-expanded={searchOpen}>
          {labels.search}
        </button>
      </div>
      {searchOpen && (
        <div className="terminal-search">
          <input
            autoFocus
            value={query}
            aria-label={labels.search}
            onChange={(e) => setQuery(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === 'Enter') runSearch(!e.shiftKey);
              if (e.key === 'Escape') setSearchOpen(false);
            }}
          />
        </div>
      )}
      <div className="terminal-screen" ref={container} data-testid="terminal" data-status={status} />
    </div>
  );
}
