// Splits the text of a shell code block into what the learner can run.
//
// Rules (documented in lessons/AUTHORING.md):
// - a leading `$ ` prompt is stripped;
// - if any line of the block starts with `$ `, only prompted lines (and their continuations) are
//   commands and every other line is shown as output;
// - a line ending in `\` continues on the next line; a heredoc (`<<EOF` … `EOF`) is one command;
// - blank lines and `#` comment lines are shown but not runnable.

export type BlockSegment = { kind: 'command'; text: string } | { kind: 'comment' | 'output' | 'blank'; text: string };

// `<<EOF`, `<<-EOF`, `<< 'EOF'`, `<<"EOF"`, but not the here-string `<<<`.
const HEREDOC = /(?<!<)<<-?[ \t]*(['"]?)([A-Za-z_][A-Za-z0-9_]*)\1(?!<)/;

export function splitCommandBlock(code: string): BlockSegment[] {
  const lines = code.replace(/\r\n/g, '\n').replace(/\n+$/, '').split('\n');
  const prompted = lines.some((l) => /^\$ /.test(l));
  const segments: BlockSegment[] = [];
  let current: string[] = [];
  let heredoc: { word: string; dash: boolean } | undefined;

  const finish = () => {
    if (current.length) segments.push({ kind: 'command', text: current.join('\n') });
    current = [];
  };

  for (const raw of lines) {
    if (current.length > 0) {
      current.push(raw);
      if (heredoc) {
        if ((heredoc.dash ? raw.replace(/^\t+/, '') : raw) === heredoc.word) {
          heredoc = undefined;
          finish();
        }
        continue;
      }
      if (!startHeredoc(raw) && !raw.endsWith('\\')) finish();
      continue;
    }
    if (prompted && /^#( |$)/.test(raw)) {
      segments.push({ kind: 'comment', text: raw });
      continue;
    }
    if (prompted && !/^\$ /.test(raw)) {
      segments.push({ kind: raw.trim() === '' ? 'blank' : 'output', text: raw });
      continue;
    }
    const line = raw.replace(/^\$ /, '');
    if (line.trim() === '') {
      segments.push({ kind: 'blank', text: line });
      continue;
    }
    if (line.trimStart().startsWith('#')) {
      segments.push({ kind: 'comment', text: line });
      continue;
    }
    current.push(line);
    if (startHeredoc(line)) continue;
    if (!line.endsWith('\\')) finish();
  }
  finish();
  return segments;

  function startHeredoc(line: string): boolean {
    const m = HEREDOC.exec(line);
    if (!m) return false;
    heredoc = { word: m[2], dash: /<<-/.test(m[0]) };
    return true;
  }
}

/** Every runnable command of a shell block, in order. */
export function commandsOf(code: string): string[] {
  return splitCommandBlock(code)
    .filter((s) => s.kind === 'command')
    .map((s) => s.text);
}

/** What the Run control types into the terminal: lines end with Enter (`\r`), as if typed. */
export function terminalInputFor(command: string): string {
  return command.replace(/\r?\n/g, '\r') + '\r';
}
