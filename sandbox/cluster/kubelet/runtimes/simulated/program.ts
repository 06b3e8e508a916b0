// What a simulated container's main process does. There are no processes in the simulated
// runtime, so a container's command is interpreted here, honestly:
//   - known servers (nginx, redis-server, the cluster's own components…) run until stopped and
//     print nothing (nobody sends them requests in a simulated network);
//   - a small POSIX-shell subset (`sh -c '…'`, `echo`, `printf`, `sleep`, `exit`, `true`/`false`,
//     loops, `touch`/`rm`/`cat` on a per-container file set, `date`, `hostname`) runs for real
//     time and prints real output;
//   - anything else makes the program "opaque": it keeps running and its output is unknown, so
//     `logs` refuses instead of inventing text.

export type Stream = 'stdout' | 'stderr';

export interface ProgramContext {
  hostname: string;
  env: Record<string, string>;
  stdin: boolean;
  tty: boolean;
  /** Per-container files created by the program or mounted from volumes (path → content). */
  files: Map<string, string>;
  /** Directories whose whole content is modelled (`/tmp`, volume mounts); other image files are unknown. */
  knownDirs?: string[];
  write(stream: Stream, text: string): void;
  /** Real-time sleep; rejects with `Killed` when the container is stopped. */
  sleep(ms: number): Promise<void>;
  now(): Date;
}

export type ProgramOutcome =
  | { kind: 'exit'; code: number }
  /** Runs until stopped; `outputKnown` false means we cannot say what it prints. */
  | { kind: 'serve'; outputKnown: boolean; why?: string };

/** Thrown through the interpreter when the container is stopped. */
export class Killed extends Error {
  constructor() {
    super('killed');
  }
}

class Opaque extends Error {
  constructor(readonly why: string) {
    super(why);
  }
}

class ExitSignal extends Error {
  constructor(readonly code: number) {
    super(`exit ${code}`);
  }
}

const shells = new Set(['sh', 'bash', 'ash', 'dash']);

export function base(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

export interface ProgramTraits {
  /** A SIGTERM ends the program at once (servers, shells that `trap` TERM); otherwise only SIGKILL does (PID 1 ignores TERM). */
  handlesTerm: boolean;
}

/** Decides whether the program stops gracefully on SIGTERM (before running it). */
export function traitsOf(argv: string[], isServer: (program: string) => boolean): ProgramTraits {
  if (argv.length === 0) return { handlesTerm: false };
  const prog = base(argv[0]);
  if (isServer(prog)) return { handlesTerm: true };
  if (shells.has(prog)) {
    const script = argv[1] === '-c' ? argv[2] ?? '' : '';
    return { handlesTerm: /\btrap\b[^\n;]*\b(TERM|SIGTERM|15)\b/.test(script) };
  }
  return { handlesTerm: false };
}

/** Runs `argv` to completion (or forever). */
export async function runProgram(argv: string[], ctx: ProgramContext, isServer: (program: string) => boolean, helloText: string, isOneShot: (program: string) => boolean = () => false): Promise<ProgramOutcome> {
  if (argv.length === 0) return { kind: 'exit', code: 0 };
  const prog = base(argv[0]);
  if (isServer(prog)) return { kind: 'serve', outputKnown: true };
  if (isOneShot(prog)) return { kind: 'exit', code: 0 };
  if (prog === 'hello') {
    ctx.write('stdout', helloText);
    return { kind: 'exit', code: 0 };
  }
  const shell = new Shell(ctx);
  try {
    if (shells.has(prog)) {
      if (argv[1] === '-c') {
        const script = argv[2] ?? '';
        shell.positional = argv.slice(3);
        const code = await shell.run(parseScript(script));
        return { kind: 'exit', code };
      }
      if (argv.length > 1) throw new Opaque(`${argv.join(' ')} runs a script file`);
      // An interactive shell waits for input while stdin is open; without stdin it reads EOF and exits.
      return ctx.stdin ? { kind: 'serve', outputKnown: true } : { kind: 'exit', code: 0 };
    }
    if (prog === 'python3' || prog === 'python') {
      if (argv.length === 1) return ctx.stdin ? { kind: 'serve', outputKnown: true } : { kind: 'exit', code: 0 };
      throw new Opaque(`${argv.join(' ')} runs a Python program`);
    }
    const code = await shell.run({ t: 'cmd', words: argv.map((w) => [{ text: w, quoted: true }]), redirects: [] });
    return { kind: 'exit', code };
  } catch (err) {
    if (err instanceof ExitSignal) return { kind: 'exit', code: err.code };
    if (err instanceof Opaque) return { kind: 'serve', outputKnown: false, why: err.why };
    throw err;
  }
}

/**
 * Evaluates an exec probe command against the container's file set without side effects on
 * output. Returns undefined when the command is outside the modelled subset.
 */
export async function evaluateProbeCommand(argv: string[], ctx: ProgramContext): Promise<{ code: number; output: string } | undefined> {
  let output = '';
  let yields = 0;
  // Probes do not wait: sleeps return at once, and a command that keeps looping is given up on.
  const probeCtx: ProgramContext = {
    ...ctx,
    write: (_s, text) => (output += text),
    sleep: async () => {
      if (++yields > 500) throw new Opaque('a probe command that does not finish');
    },
  };
  const shell = new Shell(probeCtx);
  try {
    let code: number;
    if (argv.length > 0 && shells.has(base(argv[0])) && argv[1] === '-c') code = await shell.run(parseScript(argv[2] ?? ''));
    else code = await shell.run({ t: 'cmd', words: argv.map((w) => [{ text: w, quoted: true }]), redirects: [] });
    return { code, output };
  } catch (err) {
    if (err instanceof ExitSignal) return { code: err.code, output };
    if (err instanceof Opaque) return undefined;
    throw err;
  }
}

// ---------------------------------------------------------------------------------------------
// A tiny shell: tokenizer, parser and interpreter for the subset above.

interface WordPart {
  text: string;
  /** Single-quoted text is not expanded. */
  quoted: boolean | 'single';
}
type Word = WordPart[];

type Node =
  | { t: 'cmd'; words: Word[]; redirects: Array<{ op: string; target: Word }> }
  | { t: 'list'; items: Array<{ node: Node; op: ';' | '&&' | '||' }> }
  | { t: 'while'; until: boolean; cond: Node; body: Node }
  | { t: 'for'; name: string; items: Word[]; body: Node }
  | { t: 'if'; branches: Array<{ cond: Node; body: Node }>; otherwise?: Node };

type Token = { kind: 'word'; word: Word } | { kind: 'op'; op: string };

function tokenize(src: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  let word: Word | undefined;
  let plain = '';
  const flushPlain = () => {
    if (plain) {
      (word ??= []).push({ text: plain, quoted: false });
      plain = '';
    }
  };
  const endWord = () => {
    flushPlain();
    if (word) tokens.push({ kind: 'word', word });
    word = undefined;
  };
  while (i < src.length) {
    const c = src[i];
    if (c === '\\' && src[i + 1] === '\n') {
      i += 2;
      continue;
    }
    if (c === ' ' || c === '\t') {
      endWord();
      i++;
    } else if (c === '#' && !word && !plain) {
      while (i < src.length && src[i] !== '\n') i++;
    } else if (c === '\n' || c === ';') {
      endWord();
      tokens.push({ kind: 'op', op: ';' });
      i++;
    } else if (c === '&' || c === '|') {
      endWord();
      if (src[i + 1] === c) {
        tokens.push({ kind: 'op', op: c + c });
        i += 2;
      } else {
        tokens.push({ kind: 'op', op: c });
        i++;
      }
    } else if (c === '>' || c === '<') {
      const fd = plain === '2' || plain === '1' ? plain : '';
      if (fd) plain = '';
      endWord();
      let op = fd + c;
      i++;
      if (src[i] === '>') {
        op += '>';
        i++;
      }
      if (src[i] === '&') {
        op += '&';
        i++;
      }
      tokens.push({ kind: 'op', op });
    } else if (c === '(' || c === ')') {
      endWord();
      tokens.push({ kind: 'op', op: c });
      i++;
    } else if (c === "'") {
      flushPlain();
      const end = src.indexOf("'", i + 1);
      if (end < 0) throw new Opaque('unterminated quote');
      (word ??= []).push({ text: src.slice(i + 1, end), quoted: 'single' });
      i = end + 1;
    } else if (c === '"') {
      flushPlain();
      let j = i + 1;
      let text = '';
      while (j < src.length && src[j] !== '"') {
        if (src[j] === '\\' && '"\\$`'.includes(src[j + 1] ?? '')) {
          text += src[j + 1];
          j += 2;
        } else text += src[j++];
      }
      if (j >= src.length) throw new Opaque('unterminated quote');
      (word ??= []).push({ text, quoted: true });
      i = j + 1;
    } else if (c === '\\') {
      flushPlain();
      (word ??= []).push({ text: src[i + 1] ?? '', quoted: 'single' });
      i += 2;
    } else if (c === '$' && src[i + 1] === '(') {
      // Keep $(...) / $((...)) together as one plain chunk.
      let depth = 0;
      let j = i + 1;
      for (; j < src.length; j++) {
        if (src[j] === '(') depth++;
        else if (src[j] === ')' && --depth === 0) break;
      }
      plain += src.slice(i, j + 1);
      i = j + 1;
    } else if (c === '`') {
      throw new Opaque('backquote substitution');
    } else {
      plain += c;
      i++;
    }
  }
  endWord();
  return tokens;
}

const reserved = new Set(['do', 'done', 'then', 'fi', 'elif', 'else', 'in']);

function wordText(w: Word): string {
  return w.map((p) => p.text).join('');
}

class Parser {
  private pos = 0;
  constructor(private readonly tokens: Token[]) {}

  parseAll(): Node {
    const node = this.list(new Set());
    if (this.pos < this.tokens.length) throw new Opaque(`unexpected ${this.describe(this.tokens[this.pos])}`);
    return node;
  }

  private describe(t: Token): string {
    return t.kind === 'op' ? t.op : wordText(t.word);
  }

  private peekWord(): string | undefined {
    const t = this.tokens[this.pos];
    return t && t.kind === 'word' && t.word.length === 1 && t.word[0].quoted === false ? t.word[0].text : undefined;
  }

  private skipSeparators(): void {
    while (this.tokens[this.pos]?.kind === 'op' && (this.tokens[this.pos] as { op: string }).op === ';') this.pos++;
  }

  private expectWord(w: string): void {
    this.skipSeparators();
    if (this.peekWord() !== w) throw new Opaque(`expected ${w}`);
    this.pos++;
  }

  private list(stop: Set<string>): Node {
    const items: Array<{ node: Node; op: ';' | '&&' | '||' }> = [];
    let op: ';' | '&&' | '||' = ';';
    for (;;) {
      this.skipSeparators();
      const t = this.tokens[this.pos];
      if (!t) break;
      const w = this.peekWord();
      if (w && stop.has(w)) break;
      if (t.kind === 'op' && t.op === ')') break;
      items.push({ node: this.command(), op });
      const next = this.tokens[this.pos];
      if (next?.kind === 'op' && (next.op === '&&' || next.op === '||')) {
        op = next.op;
        this.pos++;
      } else if (next?.kind === 'op' && next.op === ';') {
        op = ';';
        this.pos++;
      } else if (next?.kind === 'op' && next.op === '|') throw new Opaque('pipelines');
      else if (next?.kind === 'op' && next.op === '&') throw new Opaque('background jobs');
      else if (next && !(next.kind === 'op' && next.op === ')')) {
        const nw = this.peekWord();
        if (!(nw && stop.has(nw))) throw new Opaque(`unexpected ${this.describe(next)}`);
      }
    }
    return items.length === 1 && items[0].op === ';' ? items[0].node : { t: 'list', items };
  }

  private command(): Node {
    const w = this.peekWord();
    if (w === 'while' || w === 'until') {
      this.pos++;
      const cond = this.list(new Set(['do']));
      this.expectWord('do');
      const body = this.list(new Set(['done']));
      this.expectWord('done');
      return { t: 'while', until: w === 'until', cond, body };
    }
    if (w === 'for') {
      this.pos++;
      const name = this.peekWord();
      if (!name) throw new Opaque('for without a name');
      this.pos++;
      const items: Word[] = [];
      if (this.peekWord() === 'in') {
        this.pos++;
        while (this.tokens[this.pos]?.kind === 'word' && this.peekWord() !== 'do') items.push((this.tokens[this.pos++] as { word: Word }).word);
      } else throw new Opaque('for without in');
      this.expectWord('do');
      const body = this.list(new Set(['done']));
      this.expectWord('done');
      return { t: 'for', name, items, body };
    }
    if (w === 'if') {
      this.pos++;
      const branches: Array<{ cond: Node; body: Node }> = [];
      let otherwise: Node | undefined;
      for (;;) {
        const cond = this.list(new Set(['then']));
        this.expectWord('then');
        const body = this.list(new Set(['elif', 'else', 'fi']));
        branches.push({ cond, body });
        this.skipSeparators();
        const k = this.peekWord();
        this.pos++;
        if (k === 'elif') continue;
        if (k === 'else') {
          otherwise = this.list(new Set(['fi']));
          this.expectWord('fi');
        } else if (k !== 'fi') throw new Opaque('if without fi');
        break;
      }
      return { t: 'if', branches, otherwise };
    }
    if (w && reserved.has(w)) throw new Opaque(`unexpected ${w}`);
    const words: Word[] = [];
    const redirects: Array<{ op: string; target: Word }> = [];
    for (;;) {
      const t = this.tokens[this.pos];
      if (!t) break;
      if (t.kind === 'word') {
        words.push(t.word);
        this.pos++;
      } else if (/^[12]?[<>]/.test(t.op)) {
        this.pos++;
        if (t.op.endsWith('&')) {
          const target = this.tokens[this.pos];
          if (target?.kind !== 'word') throw new Opaque('bad redirect');
          this.pos++;
          redirects.push({ op: t.op, target: target.word });
          continue;
        }
        const target = this.tokens[this.pos];
        if (target?.kind !== 'word') throw new Opaque('bad redirect');
        this.pos++;
        redirects.push({ op: t.op, target: target.word });
      } else if (t.op === '(') throw new Opaque('subshells');
      else break;
    }
    if (words.length === 0) throw new Opaque('empty command');
    return { t: 'cmd', words, redirects };
  }
}

export function parseScript(src: string): Node {
  return new Parser(tokenize(src)).parseAll();
}

function formatDate(d: Date): string {
  const days = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const p = (n: number) => String(n).padStart(2, '0');
  return `${days[d.getUTCDay()]} ${months[d.getUTCMonth()]} ${p(d.getUTCDate())} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} UTC ${d.getUTCFullYear()}`;
}

function parseDuration(arg: string): number | undefined {
  if (arg === 'infinity' || arg === 'inf') return Infinity;
  const m = /^(\d+(?:\.\d+)?|\.\d+)([smhd]?)$/.exec(arg);
  if (!m) return undefined;
  const mult = { '': 1, s: 1, m: 60, h: 3600, d: 86400 }[m[2] as '' | 's' | 'm' | 'h' | 'd'];
  return Number(m[1]) * mult * 1000;
}

function unescapeEcho(s: string): string {
  return s.replace(/\\(n|t|\\|c)/g, (_m, c: string) => ({ n: '\n', t: '\t', '\\': '\\', c: '' })[c] ?? '');
}

class Shell {
  vars: Record<string, string>;
  positional: string[] = [];
  lastStatus = 0;
  private iterations = 0;

  constructor(private readonly ctx: ProgramContext) {
    this.vars = { HOSTNAME: ctx.hostname, ...ctx.env };
  }

  async run(node: Node): Promise<number> {
    switch (node.t) {
      case 'cmd':
        return (this.lastStatus = await this.command(node));
      case 'list': {
        let status = 0;
        for (const item of node.items) {
          if (item.op === '&&' && status !== 0) continue;
          if (item.op === '||' && status === 0) continue;
          status = await this.run(item.node);
        }
        return (this.lastStatus = status);
      }
      case 'while': {
        let status = 0;
        for (;;) {
          const c = await this.run(node.cond);
          if ((c === 0) === node.until) break;
          status = await this.run(node.body);
          await this.yieldIfBusy();
        }
        return status;
      }
      case 'for': {
        let status = 0;
        for (const w of node.items) {
          for (const value of this.expandWord(w)) {
            this.vars[node.name] = value;
            status = await this.run(node.body);
            await this.yieldIfBusy();
          }
        }
        return status;
      }
      case 'if': {
        for (const b of node.branches) if ((await this.run(b.cond)) === 0) return this.run(b.body);
        return node.otherwise ? this.run(node.otherwise) : 0;
      }
    }
  }

  /**
   * A loop without sleeps would spin a real CPU; here it would starve the whole control plane, so
   * busy loops are throttled to about a thousand iterations per second.
   */
  private async yieldIfBusy(): Promise<void> {
    if (++this.iterations % 20 === 0) await this.ctx.sleep(20);
  }

  private expandText(text: string): string {
    return text
      .replace(/\$\(\((.*?)\)\)/g, (_m, expr: string) => String(this.arith(expr)))
      .replace(/\$\(([^()]*)\)/g, (_m, cmd: string) => {
        const c = cmd.trim();
        if (c === 'hostname') return this.ctx.hostname;
        if (c === 'date') return formatDate(this.ctx.now());
        throw new Opaque(`command substitution $(${c})`);
      })
      .replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$([A-Za-z_][A-Za-z0-9_]*|[0-9?#@*])/g, (_m, a?: string, b?: string) => {
        const name = a ?? b!;
        if (name === '?') return String(this.lastStatus);
        if (name === '#') return String(this.positional.length);
        if (name === '@' || name === '*') return this.positional.join(' ');
        if (/^[0-9]$/.test(name)) return name === '0' ? 'sh' : this.positional[Number(name) - 1] ?? '';
        return this.vars[name] ?? '';
      });
  }

  private arith(expr: string): number {
    const replaced = expr.replace(/\$?([A-Za-z_][A-Za-z0-9_]*)/g, (_m, name: string) => String(Number(this.vars[name] ?? 0) || 0));
    if (!/^[\d\s+\-*/%()]*$/.test(replaced)) throw new Opaque(`arithmetic $((${expr}))`);
    const tokens = replaced.match(/\d+|[+\-*/%()]/g) ?? [];
    let i = 0;
    const primary = (): number => {
      const t = tokens[i++];
      if (t === '(') {
        const v = sum();
        i++;
        return v;
      }
      if (t === '-') return -primary();
      return Number(t ?? 0);
    };
    const product = (): number => {
      let v = primary();
      while (tokens[i] === '*' || tokens[i] === '/' || tokens[i] === '%') {
        const op = tokens[i++];
        const r = primary();
        v = op === '*' ? v * r : op === '/' ? Math.trunc(v / (r || 1)) : v % (r || 1);
      }
      return v;
    };
    const sum = (): number => {
      let v = product();
      while (tokens[i] === '+' || tokens[i] === '-') v = tokens[i++] === '+' ? v + product() : v - product();
      return v;
    };
    return sum();
  }

  /** Expands one word; unquoted expansions split on whitespace. */
  private expandWord(w: Word): string[] {
    let hasUnquoted = false;
    let text = '';
    for (const part of w) {
      if (part.quoted === 'single') text += part.text;
      else {
        const e = this.expandText(part.text);
        if (part.quoted === false) {
          hasUnquoted = true;
          if (/[*?]|\[.*\]/.test(e)) throw new Opaque('glob patterns');
        }
        text += e;
      }
    }
    if (hasUnquoted && w.every((p) => p.quoted === false)) return text.split(/\s+/).filter(Boolean);
    return [text];
  }

  private async command(node: Extract<Node, { t: 'cmd' }>): Promise<number> {
    const argv = node.words.flatMap((w) => this.expandWord(w));
    // Assignments: NAME=value (only when every word is one).
    if (argv.length > 0 && argv.every((a) => /^[A-Za-z_][A-Za-z0-9_]*=/.test(a))) {
      for (const a of argv) {
        const eq = a.indexOf('=');
        this.vars[a.slice(0, eq)] = a.slice(eq + 1);
      }
      return 0;
    }
    let stdout: { path?: string; append: boolean; discard: boolean; toStderr: boolean } = { append: false, discard: false, toStderr: false };
    let stderrDiscard = false;
    let stderrToStdout = false;
    for (const r of node.redirects) {
      const target = this.expandWord(r.target).join(' ');
      if (r.op === '<') throw new Opaque('input redirection');
      if (r.op.endsWith('&')) {
        if (r.op.startsWith('2') && target === '1') stderrToStdout = true;
        else if (target === '2') stdout = { ...stdout, toStderr: true };
        continue;
      }
      const isErr = r.op.startsWith('2');
      if (target === '/dev/null') {
        if (isErr) stderrDiscard = true;
        else stdout = { ...stdout, discard: true };
      } else if (target === '/dev/stdout' || target === '/proc/1/fd/1') {
        if (isErr) stderrToStdout = true;
      } else if (target === '/dev/stderr' || target === '/proc/1/fd/2') {
        if (!isErr) stdout = { ...stdout, toStderr: true };
      } else if (isErr) throw new Opaque('stderr to a file');
      else stdout = { ...stdout, path: target, append: r.op.endsWith('>>') };
    }
    if (stdout.path && !stdout.append) this.ctx.files.set(stdout.path, '');
    const out = (text: string) => {
      if (stdout.discard) return;
      if (stdout.path) this.ctx.files.set(stdout.path, (this.ctx.files.get(stdout.path) ?? '') + text);
      else this.ctx.write(stdout.toStderr ? 'stderr' : 'stdout', text);
    };
    const err = (text: string) => {
      if (stderrDiscard) return;
      if (stderrToStdout) out(text);
      else this.ctx.write('stderr', text);
    };
    return this.builtin(argv, out, err);
  }

  private async builtin(argv: string[], out: (t: string) => void, err: (t: string) => void): Promise<number> {
    const [cmd0, ...args] = argv;
    const cmd = base(cmd0);
    switch (cmd) {
      case 'true':
      case ':':
        return 0;
      case 'false':
        return 1;
      case 'exit':
        throw new ExitSignal(args.length ? Number(args[0]) & 255 : this.lastStatus);
      case 'echo': {
        let newline = true;
        let escapes = false;
        while (args[0] && /^-[neE]+$/.test(args[0])) {
          const f = args.shift()!;
          if (f.includes('n')) newline = false;
          if (f.includes('e')) escapes = true;
        }
        const text = args.join(' ');
        out((escapes ? unescapeEcho(text) : text) + (newline ? '\n' : ''));
        return 0;
      }
      case 'printf': {
        if (args.length === 0) return 1;
        const [fmt, ...vals] = args;
        let i = 0;
        let result = '';
        do {
          result += unescapeEcho(fmt).replace(/%([sdi%])/g, (_m, c: string) => (c === '%' ? '%' : c === 's' ? vals[i++] ?? '' : String(Number(vals[i++] ?? 0) || 0)));
        } while (i > 0 && i < vals.length);
        out(result);
        return 0;
      }
      case 'sleep': {
        const ms = args.reduce((sum, a) => sum + (parseDuration(a) ?? NaN), 0);
        if (args.length === 0 || Number.isNaN(ms)) {
          err(`sleep: invalid number '${args[0] ?? ''}'\n`);
          return 1;
        }
        if (ms === Infinity) await this.ctx.sleep(Infinity);
        else await this.ctx.sleep(ms);
        return 0;
      }
      case 'date':
        if (args.length) throw new Opaque('date with options');
        out(formatDate(this.ctx.now()) + '\n');
        return 0;
      case 'hostname':
        if (args.length) throw new Opaque('hostname with options');
        out(this.ctx.hostname + '\n');
        return 0;
      case 'touch':
        for (const f of args.filter((a) => !a.startsWith('-'))) if (!this.ctx.files.has(f)) this.ctx.files.set(f, '');
        return 0;
      case 'mkdir':
        return 0;
      case 'rm': {
        const force = args.some((a) => /^-[a-z]*f/.test(a));
        let status = 0;
        for (const f of args.filter((a) => !a.startsWith('-'))) {
          if (!this.ctx.files.delete(f) && !force) {
            err(`rm: can't remove '${f}': No such file or directory\n`);
            status = 1;
          }
        }
        return status;
      }
      case 'cat': {
        if (args.length === 0) throw new Opaque('cat from stdin');
        let status = 0;
        for (const f of args) {
          const content = this.ctx.files.get(f);
          if (content === undefined) {
            if (this.modelled(f)) {
              err(`cat: can't open '${f}': No such file or directory\n`);
              status = 1;
            } else throw new Opaque(`cat ${f} (image files are not modelled)`);
          } else out(content);
        }
        return status;
      }
      case 'test':
      case '[': {
        const a = cmd === '[' ? args.slice(0, -1) : args;
        return this.test(a) ? 0 : 1;
      }
      case 'trap':
      case 'cd':
      case 'wait':
      case 'set':
      case 'export':
        if (cmd === 'export') for (const a of args) if (a.includes('=')) this.vars[a.slice(0, a.indexOf('='))] = a.slice(a.indexOf('=') + 1);
        return 0;
      default:
        throw new Opaque(`${cmd0}${args.length ? ' ' + args.join(' ') : ''}`);
    }
  }

  private modelled(path: string): boolean {
    return (this.ctx.knownDirs ?? ['/tmp']).some((d) => path === d || path.startsWith(d.endsWith('/') ? d : d + '/'));
  }

  private test(a: string[]): boolean {
    if (a[0] === '!') return !this.test(a.slice(1));
    if (a.length === 0) return false;
    if (a.length === 1) return a[0] !== '';
    if (a.length === 2) {
      const [op, v] = a;
      if (op === '-z') return v === '';
      if (op === '-n') return v !== '';
      if (op === '-e' || op === '-f') {
        if (this.ctx.files.has(v)) return true;
        if (this.modelled(v)) return false;
        throw new Opaque(`test ${op} ${v} (image files are not modelled)`);
      }
      throw new Opaque(`test ${op}`);
    }
    const [l, op, r] = a;
    switch (op) {
      case '=':
      case '==':
        return l === r;
      case '!=':
        return l !== r;
      case '-eq':
        return Number(l) === Number(r);
      case '-ne':
        return Number(l) !== Number(r);
      case '-lt':
        return Number(l) < Number(r);
      case '-le':
        return Number(l) <= Number(r);
      case '-gt':
        return Number(l) > Number(r);
      case '-ge':
        return Number(l) >= Number(r);
      default:
        throw new Opaque(`test ${op}`);
    }
  }
}
