// How lesson controls talk to the terminal and the clipboard.
// The terminal (app/components/terminal/Terminal.tsx) listens for TERMINAL_INPUT_EVENT on window and
// writes `detail.text` to the learner's shell as if typed.
import { terminalInputFor } from '@/lib/lessons/commands';

export const TERMINAL_INPUT_EVENT = 'kubelab:terminal-input';

export interface TerminalInputDetail {
  text: string;
}

/** Types `command` into the terminal and presses Enter (each line of a multi-line command too). */
export function sendToTerminal(command: string, target: EventTarget = window): void {
  target.dispatchEvent(new CustomEvent<TerminalInputDetail>(TERMINAL_INPUT_EVENT, { detail: { text: terminalInputFor(command) } }));
}

/** Copies text; falls back to a hidden textarea where the Clipboard API is unavailable (plain http on a LAN address). */
export async function copyText(text: string): Promise<boolean> {
  try {
    if (navigator.clipboard && window.isSecureContext) {
      await navigator.clipboard.writeText(text);
      return true;
    }
  } catch {
    // fall through to the legacy path
  }
  const area = document.createElement('textarea');
  area.value = text;
  area.setAttribute('readonly', '');
  area.style.position = 'fixed';
  area.style.opacity = '0';
  document.body.appendChild(area);
  area.select();
  try {
    return document.execCommand('copy');
  } catch {
    return false;
  } finally {
    area.remove();
  }
}
