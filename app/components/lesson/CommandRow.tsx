'use client';
// One runnable command outside the rendered markdown (exercise solutions): Run + the command text.
import { stringsFor } from './strings';
import { sendToTerminal } from './terminal-bridge';
import { useFeedback } from './useFeedback';

export function CommandRow({ command, lang }: { command: string; lang: string }) {
  const t = stringsFor(lang);
  const [feedback, show] = useFeedback();
  return (
    <div className="command-line">
      <button
        type="button"
        className="command-run"
        aria-label={`${t.runLabel} ${command}`}
        title={`${t.runLabel} ${command}`}
        onClick={() => {
          sendToTerminal(command);
          show(t.sent);
        }}
      >
        {feedback ?? t.run}
      </button>
      <pre className="command-code">
        <code>{command}</code>
      </pre>
    </div>
  );
}
