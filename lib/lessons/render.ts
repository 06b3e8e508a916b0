// Markdown → HTML for lesson bodies: GFM, shiki highlighting, callouts, runnable command blocks and
// exercise placement. Raw HTML in lessons is not passed through (remark-rehype drops it).
import type { Element, ElementContent, Root as HastRoot } from 'hast';
import type { Blockquote, Paragraph, Root as MdastRoot, Text } from 'mdast';
import rehypeStringify from 'rehype-stringify';
import remarkGfm from 'remark-gfm';
import remarkParse from 'remark-parse';
import remarkRehype from 'remark-rehype';
import { createHighlighter, type Highlighter } from 'shiki';
import { unified } from 'unified';
import { visit } from 'unist-util-visit';

const highlightedLanguages = ['bash', 'shell', 'yaml', 'json', 'dockerfile', 'typescript', 'javascript', 'ini', 'toml', 'go', 'python', 'diff', 'html', 'nginx'];
const commandLanguages = new Set(['bash', 'sh', 'shell', 'console']);

let highlighterPromise: Promise<Highlighter> | undefined;
function highlighter(): Promise<Highlighter> {
  highlighterPromise ??= createHighlighter({ themes: ['github-light', 'github-dark'], langs: highlightedLanguages });
  return highlighterPromise;
}

export interface RenderedBody {
  html: string;
  /** Exercise ids placed with `::exercise{id="..."}`, in order, with the line of the directive. */
  placedExercises: { id: string; line: number }[];
  /** Every command a Run button can send, in order (used by tests and the lesson self-test). */
  commands: string[];
}

/** Splits a command block into commands: strips `$ ` prompts, joins `\` continuations and heredocs. */
export function commandsOf(code: string): string[] {
  const lines = code.replace(/\n$/, '').split('\n');
  const commands: string[] = [];
  let current: string[] = [];
  let heredoc: string | undefined;
  for (const raw of lines) {
    const line = current.length === 0 ? raw.replace(/^\$ /, '') : raw;
    if (heredoc) {
      current.push(line);
      if (line.trim() === heredoc) {
        heredoc = undefined;
        commands.push(current.join('\n'));
        current = [];
      }
      continue;
    }
    if (current.length === 0 && (line.trim() === '' || line.trim().startsWith('#'))) continue;
    current.push(line);
    const marker = /<<-?\s*['"]?([A-Za-z_][A-Za-z0-9_]*)['"]?/.exec(line);
    if (marker) {
      heredoc = marker[1];
      continue;
    }
    if (!line.endsWith('\\')) {
      commands.push(current.join('\n'));
      current = [];
    }
  }
  if (current.length) commands.push(current.join('\n'));
  return commands;
}

const calloutKinds: Record<string, string> = { NOTE: 'note', TIP: 'tip', WARNING: 'warning', IMPORTANT: 'important', CAUTION: 'warning' };

/** `> [!NOTE]` blockquotes become `<aside class="callout callout-note">`. */
function remarkCallouts() {
  return (tree: MdastRoot) => {
    visit(tree, 'blockquote', (node: Blockquote) => {
      const first = node.children[0] as Paragraph | undefined;
      const text = first?.type === 'paragraph' ? (first.children[0] as Text | undefined) : undefined;
      const match = text?.type === 'text' ? /^\[!(NOTE|TIP|WARNING|IMPORTANT|CAUTION)\]\s*\n?/.exec(text.value) : null;
      if (!match || !text) return;
      text.value = text.value.slice(match[0].length);
      const kind = calloutKinds[match[1]];
      node.data = { hName: 'aside', hProperties: { className: ['callout', `callout-${kind}`], 'data-callout': kind } };
    });
  };
}

/** A paragraph that is exactly `::exercise{id="x"}` becomes a placeholder the lesson view fills. */
function remarkExerciseDirective(placed: RenderedBody['placedExercises'], lineOffset: number) {
  return () => (tree: MdastRoot) => {
    visit(tree, 'paragraph', (node: Paragraph) => {
      const only = node.children.length === 1 ? (node.children[0] as Text) : undefined;
      const match = only?.type === 'text' ? /^::exercise\{id="([a-z0-9-]+)"\}$/.exec(only.value.trim()) : null;
      if (!match) return;
      placed.push({ id: match[1], line: (node.position?.start.line ?? 1) + lineOffset - 1 });
      node.data = { hName: 'div', hProperties: { className: ['exercise-slot'], 'data-exercise-id': match[1] } };
      node.children = [];
    });
  };
}

function textOf(node: ElementContent): string {
  if (node.type === 'text') return node.value;
  if (node.type === 'element') return node.children.map(textOf).join('');
  return '';
}

function button(label: string, props: Record<string, string | string[]>): Element {
  return { type: 'element', tagName: 'button', properties: { type: 'button', ...props }, children: [{ type: 'text', value: label }] };
}

/** Highlights code with shiki and turns shell blocks into runnable command blocks. */
function rehypeCodeBlocks(hl: Highlighter, commands: string[]) {
  return () => (tree: HastRoot) => {
    visit(tree, 'element', (node: Element, index, parent) => {
      if (node.tagName !== 'pre' || !parent || index === undefined) return;
      const code = node.children[0];
      if (!code || code.type !== 'element' || code.tagName !== 'code') return;
      const classes = (code.properties?.className as string[] | undefined) ?? [];
      const lang = classes.find((c) => c.startsWith('language-'))?.slice('language-'.length) ?? 'text';
      const meta = String((code.data as { meta?: string } | undefined)?.meta ?? '');
      const source = textOf(code);
      const runnable = commandLanguages.has(lang) && !/\bno-run\b/.test(meta);
      const shikiLang = lang === 'sh' || lang === 'console' ? 'bash' : hl.getLoadedLanguages().includes(lang) ? lang : 'text';
      const highlighted = hl.codeToHast(source.replace(/\n$/, ''), { lang: shikiLang, themes: { light: 'github-light', dark: 'github-dark' }, defaultColor: false });
      const pre = highlighted.children[0] as Element;
      const tools: Element[] = [button('Copy', { className: ['code-copy'], 'data-copy': runnable ? commandsOf(source).join('\n') : source.replace(/\n$/, ''), 'aria-label': 'Copy code' })];
      const wrapper: Element = { type: 'element', tagName: 'div', properties: { className: ['code-block', runnable ? 'code-block-runnable' : 'code-block-static'], 'data-lang': lang }, children: [] };
      if (runnable) {
        const blockCommands = commandsOf(source);
        commands.push(...blockCommands);
        const list: Element = {
          type: 'element',
          tagName: 'div',
          properties: { className: ['command-list'] },
          children: blockCommands.map((command) => ({
            type: 'element',
            tagName: 'div',
            properties: { className: ['command-line'] },
            children: [
              button('Run', { className: ['command-run'], 'data-command': command, 'aria-label': `Run in terminal: ${command}` }),
              { type: 'element', tagName: 'code', properties: { className: ['command-text'] }, children: [{ type: 'text', value: command }] },
            ],
          })),
        };
        wrapper.children = [{ type: 'element', tagName: 'div', properties: { className: ['code-tools'] }, children: tools }, list, { ...pre, properties: { ...pre.properties, hidden: true, 'data-source': 'true' } }];
      } else {
        wrapper.children = [{ type: 'element', tagName: 'div', properties: { className: ['code-tools'] }, children: tools }, pre];
      }
      parent.children[index] = wrapper;
    });
  };
}

/** Adds ids to headings (for anchors) and rewrites relative image paths to the lesson asset route. */
function rehypeHeadingsAndImages(assetBase: string) {
  return () => (tree: HastRoot) => {
    const seen = new Map<string, number>();
    visit(tree, 'element', (node: Element) => {
      if (/^h[1-6]$/.test(node.tagName)) {
        const base = textOf(node).toLowerCase().trim().replace(/[^\p{L}\p{N}\s-]/gu, '').replace(/\s+/g, '-') || 'section';
        const n = seen.get(base) ?? 0;
        seen.set(base, n + 1);
        node.properties = { ...node.properties, id: n ? `${base}-${n}` : base };
      }
      if (node.tagName === 'img') {
        const src = String(node.properties?.src ?? '');
        if (src && !/^([a-z]+:)?\/\//i.test(src) && !src.startsWith('/')) node.properties = { ...node.properties, src: `${assetBase}/${src.replace(/^\.\//, '')}`, loading: 'lazy' };
      }
      if (node.tagName === 'a' && /^https?:\/\//.test(String(node.properties?.href ?? ''))) {
        node.properties = { ...node.properties, target: '_blank', rel: ['noopener', 'noreferrer'] };
      }
    });
  };
}

export async function renderLessonBody(markdown: string, opts: { assetBase: string; lineOffset: number }): Promise<RenderedBody> {
  const placedExercises: RenderedBody['placedExercises'] = [];
  const commands: string[] = [];
  const hl = await highlighter();
  const file = await unified()
    .use(remarkParse)
    .use(remarkGfm)
    .use(remarkCallouts)
    .use(remarkExerciseDirective(placedExercises, opts.lineOffset))
    .use(remarkRehype)
    .use(rehypeCodeBlocks(hl, commands))
    .use(rehypeHeadingsAndImages(opts.assetBase))
    .use(rehypeStringify)
    .process(markdown);
  return { html: String(file), placedExercises, commands };
}
