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

/** Parses YAML and validates it; errors carry positions in the original file. */
export function parseYaml<S extends z.ZodType>(yamlText: string, schema: S, file: string, lineOffset = 1): { value?: z.infer<S>; errors: LessonError[] } {
  const lineCounter = new LineCounter();
  const doc = parseDocument(yamlText, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const at = (offset: number) => {
    const pos = lineCounter.linePos(offset);
    return { line: pos.line + lineOffset - 1, column: pos.col };
  };
  if (doc.errors.length > 0) {
    return { errors: doc.errors.map((e) => ({ file, ...at(e.pos[0]), message: `YAML: ${e.message.split('\n')[0]}` })) };
  }
  const parsed = schema.safeParse(doc.toJS());
  if (parsed.success) return { value: parsed.data, errors: [] };
  const errors = parsed.error.issues.map((issue) => {
    const { node } = nodeAt(doc.contents, issue.path as (string | number)[]);
    // Point at the offending value; for unknown keys at the key itself; for missing fields at the parent.
    const offset = (issue.code === 'unrecognized_keys' ? unknownKeyNode(node, issue.keys) : undefined) ?? node;
    const pos = offset?.range ? at(offset.range[0]) : { line: lineOffset, column: 1 };
    return { file, ...pos, message: `${formatPath(issue.path as (string | number)[], issue.code === 'unrecognized_keys' ? issue.keys : undefined)}${issue.message}` };
  });
  return { errors };
}

function formatPath(path: (string | number)[], unknownKeys?: string[]): string {
  const parts = [...path];
  if (unknownKeys?.length === 1) parts.push(unknownKeys[0]);
  if (parts.length === 0) return '';
  return parts.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('') + ': ';
}

/** Follows a zod issue path into the YAML AST; returns the deepest node reached. */
function nodeAt(root: unknown, path: (string | number)[]): { node?: Node } {
  let node = root as Node | undefined;
  for (const segment of path) {
    if (isMap(node)) {
      const pair = node.items.find((p) => (p.key as { value?: unknown })?.value === segment);
      if (!pair) return { node };
      node = (pair.value as Node) ?? (pair.key as Node);
    } else if (isSeq(node) && typeof segment === 'number') {
      const item = node.items[segment] as Node | undefined;
      if (!item) return { node };
      node = item;
    } else return { node };
  }
  return { node };
}

function unknownKeyNode(node: Node | undefined, keys: string[]): Node | undefined {
  if (!isMap(node)) return undefined;
  const pair = node.items.find((p) => keys.includes(String((p.key as { value?: unknown })?.value)));
  return pair?.key as Node | undefined;
}
