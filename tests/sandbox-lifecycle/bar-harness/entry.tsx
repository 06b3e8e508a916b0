// Browser harness for the sandbox bar: the real SandboxBar component as the lesson workspace shows
// it, with a counter of the terminal-restart events it sends. Bundled by sandbox-bar.test.ts.
import { createRoot } from 'react-dom/client';
import { SANDBOX_RESTART_EVENT } from '@/app/components/terminal/events';
import SandboxBar from '@/app/components/workspace/SandboxBar';
import '@/app/components/workspace/workspace.css';

declare global {
  interface Window {
    __LANG__: string;
    __RESTARTS__: number;
  }
}

window.__RESTARTS__ = 0;
window.addEventListener(SANDBOX_RESTART_EVENT, () => window.__RESTARTS__++);
createRoot(document.getElementById('root')!).render(<SandboxBar lang={window.__LANG__} />);
