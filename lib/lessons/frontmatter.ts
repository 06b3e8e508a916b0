// Splits a lesson file into YAML frontmatter and markdown body, and validates the frontmatter so
// that every problem is reported with the file, line and column it comes from.
import { isMap, isSeq, LineCounter, parseDocument, type Node } from 'yaml';
import type { z } from 'zod';

export interface LessonError {
  file: string;
  line: number;
  column: number;
  message: string;
}

export function formatError(e: LessonError): string {
  return `${e.file}:${e.line}:${e.column}: ${e.message}`;
}

export interface SplitFile {
  yaml: string;
  /** 1-based line of the first YAML line in the file. */
  yamlStartLine: number;
  body: string;
  bodyStartLine: number;
}

export function splitFrontmatter(text: string, file: string): SplitFile | LessonError {
  const normalized = text.replace(/\r\n/g, '\n');
  if (!normalized.startsWith('---\n')) return { file, line: 1, column: 1, message: 'a lesson file must start with YAML frontmatter between "---" lines' };
  const end = normalized.indexOf('\n---', 3);
  if (end < 0) return { file, line: 1, column: 1, message: 'the frontmatter opened on line 1 is never closed with "---"' };
  const yaml = normalized.slice(4, end + 1);
  const afterFence = normalized.indexOf('\n', end + 1);
  const body = afterFence < 0 ? '' : normalized.slice(afterFence + 1);
  const bodyStartLine = normalized.slice(0, afterFence + 1).split('\n').length;
  return { yaml, yamlStartLine: 2, body, bodyStartLine };
}

export type YamlPath = (string | number)[];

export interface ParsedYaml<T> {
  value?: T;
  errors: LessonError[];
  /** Position of the node at `path` (or of its deepest existing ancestor), for later cross-file checks. */
  locate(path: YamlPath): { line: number; column: number };
}

export interface ParseYamlOptions {
  /** 1-based line of the YAML's first line in its file. */
  lineOffset?: number;
  /** A better message for an unknown key, e.g. "set it in en.md" for a translation. */
  explainUnknownKey?: (path: YamlPath, key: string) => string | undefined;
  /** The keys allowed at `path`, for "did you mean" hints. */
  knownKeys?: (path: YamlPath) => readonly string[] | undefined;
}

/** Parses YAML and validates it; errors carry positions in the original file. */
export function parseYaml<S extends z.ZodType>(yamlText: string, schema: S, file: string, opts: ParseYamlOptions = {}): ParsedYaml<z.infer<S>> {
  const lineOffset = opts.lineOffset ?? 1;
  const lineCounter = new LineCounter();
  const doc = parseDocument(yamlText, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const at = (offset: number) => {
    const pos = lineCounter.linePos(offset);
    return { line: pos.line + lineOffset - 1, column: pos.col };
  };
  const locate = (path: YamlPath) => {
    const node = nodeAt(doc.contents, path);
    return node?.range ? at(node.range[0]) : { line: lineOffset, column: 1 };
  };
  if (doc.errors.length > 0) {
    return { locate, errors: doc.errors.map((e) => ({ file, ...at(e.pos[0]), message: `YAML: ${e.message.split('\n')[0]}` })) };
  }
  if (doc.contents === null) return { locate, errors: [{ file, line: lineOffset, column: 1, message: 'the frontmatter is empty' }] };
  const parsed = schema.safeParse(doc.toJS());
  if (parsed.success) return { value: parsed.data, errors: [], locate };
  const errors: LessonError[] = [];
  for (const issue of parsed.error.issues) {
    const path = issue.path as YamlPath;
    const node = nodeAt(doc.contents, path);
    if (issue.code === 'unrecognized_keys') {
      // One error per unknown key, pointing at the key itself.
      for (const key of issue.keys) {
        const keyNode = keyNodeOf(node, key);
        const pos = keyNode?.range ? at(keyNode.range[0]) : locate(path);
        const known = opts.knownKeys?.(path);
        const guess = known ? closest(key, known) : undefined;
        const message = opts.explainUnknownKey?.(path, key) ?? `unknown key "${key}"${guess ? ` (did you mean "${guess}"?)` : ''}`;
        errors.push({ file, ...pos, message: `${formatPath([...path, key])}${message}` });
      }
      continue;
    }
    // Point at the offending value; for a missing field at its parent.
    const pos = node?.range ? at(node.range[0]) : { line: lineOffset, column: 1 };
    errors.push({ file, ...pos, message: `${formatPath(path)}${issue.message}` });
  }
  return { errors, locate };
}

/** A close match among `candidates` (edit distance ≤ 2), for "did you mean" hints. */
export function closest(input: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = 3;
  for (const c of candidates) {
    const d = editDistance(input.toLowerCase(), c.toLowerCase());
    if (d < bestDistance) [best, bestDistance] = [c, d];
  }
  return best;
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length];
}

export function formatPath(path: YamlPath): string {
  const parts = [...path];
  if (parts.length === 0) return '';
  return parts.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('') + ': ';
}

/** Follows a zod issue path into the YAML AST; returns the deepest node reached. */
function nodeAt(root: unknown, path: YamlPath): Node | undefined {
  let node = root as Node | undefined;
  for (const segment of path) {
    if (isMap(node)) {
      const pair = node.items.find((p) => (p.key as { value?: unknown })?.value === segment);
      if (!pair) return node;
      node = (pair.value as Node | null) ?? (pair.key as Node);
    } else if (isSeq(node) && typeof segment === 'number') {
      const item = node.items[segment] as Node | undefined;
      if (!item) return node;
      node = item;
    } else return node;
  }
  return node;
}

function keyNodeOf(node: Node | undefined, key: string): Node | undefined {
  if (!isMap(node)) return undefined;
  const pair = node.items.find((p) => String((p.key as { value?: unknown })?.value) === key);
  return pair?.key as Node | undefined;
}
