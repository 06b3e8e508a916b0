// Markdown → HTML for lesson bodies: GFM (tables, task lists, strikethrough), shiki highlighting,
// GitHub-style callouts, heading anchors, lesson-relative images, runnable command blocks and
// `::exercise{id="..."}` placement.
//
// Order matters: the author's markdown is sanitized (rehype-sanitize) *before* the trusted markup
// this module generates (shiki spans with inline CSS variables, Run/Copy buttons, anchors) is added,
// so the allowlist stays small and nothing an author writes can smuggle in scripts or handlers.
import type { Element, ElementContent, Root as HastRoot } from 'hast';
import type { Blockquote, Image, Paragraph, Root as MdastRoot, RootContent, Text } from 'mdast';
import rehypeSanitize, { defaultSchema, type Options as SanitizeSchema } from 'rehype-sanitize';
import rehypeStringify from 'rehype-stringify';
import remarkGfm from 'remark-gfm';
import remarkParse from 'remark-parse';
import remarkRehype from 'remark-rehype';
import { createHighlighter, type Highlighter } from 'shiki';
import { unified } from 'unified';
import { visit } from 'unist-util-visit';
import { splitCommandBlock } from './commands';
import type { Language } from './schema';

export { commandsOf, splitCommandBlock, terminalInputFor } from './commands';

const highlightedLanguages = ['bash', 'shell', 'yaml', 'json', 'dockerfile', 'typescript', 'javascript', 'ini', 'toml', 'go', 'python', 'diff'];
const commandLanguages = new Set(['bash', 'sh', 'shell']);
const themes = { light: 'github-light', dark: 'github-dark' } as const;

let highlighterPromise: Promise<Highlighter> | undefined;
/** One highlighter per process, created on first use (loading grammars costs ~100 ms). */
function highlighter(): Promise<Highlighter> {
  highlighterPromise ??= createHighlighter({ themes: [themes.light, themes.dark], langs: highlightedLanguages }).catch((err: unknown) => {
    highlighterPromise = undefined;
    throw err;
  });
  return highlighterPromise;
}

export interface BodyIssue {
  line: number;
  column: number;
  message: string;
}

export interface BodyOptions {
  /** Line of the body's first line in its file, so issues point into the file. */
  lineOffset: number;
  lang?: Language;
  /** Tells whether a lesson-relative asset (`images/x.png`) exists; unset: not checked. */
  assetExists?: (relativePath: string) => boolean;
}

export interface BodyAnalysis {
  /** Exercise ids placed with `::exercise{id="..."}`, in order, with the directive's line. */
  placedExercises: { id: string; line: number }[];
  issues: BodyIssue[];
}

export interface RenderedBody extends BodyAnalysis {
  html: string;
  /** Every command a Run button sends, in order (for tests and the lesson self-test). */
  commands: string[];
}

const strings: Record<Language, { run: string; copy: string; runLabel: string; copyLabel: string; anchor: string; callouts: Record<string, string> }> = {
  en: {
    run: 'Run',
    copy: 'Copy',
    runLabel: 'Run in terminal:',
    copyLabel: 'Copy to clipboard',
    anchor: 'Link to this section',
    callouts: { note: 'Note', tip: 'Tip', important: 'Important', warning: 'Warning', caution: 'Caution' },
  },
  ko: {
    run: '실행',
    copy: '복사',
    runLabel: '터미널에서 실행:',
    copyLabel: '클립보드에 복사',
    anchor: '이 절로 연결',
    callouts: { note: '참고', tip: '팁', important: '중요', warning: '경고', caution: '주의' },
  },
};

interface State {
  opts: BodyOptions;
  placed: BodyAnalysis['placedExercises'];
  issues: BodyIssue[];
}

function lineOf(state: State, node: { position?: { start: { line: number; column: number } } }): { line: number; column: number } {
  return { line: (node.position?.start.line ?? 1) + state.opts.lineOffset - 1, column: node.position?.start.column ?? 1 };
}

/** `> [!NOTE]` blockquotes become `<aside class="callout callout-note">` with a title line. */
function remarkCallouts(state: State) {
  return () => (tree: MdastRoot) => {
    visit(tree, 'blockquote', (node: Blockquote) => {
      const first = node.children[0] as Paragraph | undefined;
      const text = first?.type === 'paragraph' ? (first.children[0] as Text | undefined) : undefined;
      const match = text?.type === 'text' ? /^\[!([A-Za-z]+)\][ \t]*\n?/.exec(text.value) : null;
      if (!match || !text || !first) return;
      const kind = match[1].toLowerCase();
      const title = strings[state.opts.lang ?? 'en'].callouts[kind];
      if (!title) {
        state.issues.push({ ...lineOf(state, text), message: `unknown callout [!${match[1]}]; use NOTE, TIP, IMPORTANT, WARNING or CAUTION` });
        return;
      }
      text.value = text.value.slice(match[0].length);
      if (text.value === '') first.children.shift();
      if (first.children[0]?.type === 'break') first.children.shift();
      if (first.children.length === 0) node.children.shift();
      const heading: Paragraph = { type: 'paragraph', data: { hProperties: { className: ['callout-title'] } }, children: [{ type: 'text', value: title }] };
      node.children.unshift(heading);
      node.data = { hName: 'aside', hProperties: { className: ['callout', `callout-${kind}`], dataCallout: kind } };
    });
  };
}

const DIRECTIVE = /^::exercise\{\s*id\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s}"']+))\s*\}$/;
const EXERCISE_ID = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** A paragraph that is exactly `::exercise{id="x"}` becomes a slot the lesson view fills. */
function remarkExerciseDirective(state: State) {
  return () => (tree: MdastRoot) => {
    visit(tree, 'paragraph', (node: Paragraph, _index, parent) => {
      const first = node.children[0];
      if (first?.type !== 'text' || !first.value.startsWith('::')) return;
      const source = node.children.length === 1 ? first.value.trim() : undefined;
      const match = source !== undefined ? DIRECTIVE.exec(source) : null;
      const at = lineOf(state, node);
      if (!match) {
        state.issues.push({ ...at, message: `malformed directive "${first.value.split('\n')[0]}"; expected ::exercise{id="exercise-id"} on its own line` });
        return;
      }
      const id = match[1] ?? match[2] ?? match[3];
      if (!EXERCISE_ID.test(id)) {
        state.issues.push({ ...at, message: `::exercise: "${id}" is not a valid exercise id` });
        return;
      }
      if (parent?.type !== 'root') {
        state.issues.push({ ...at, message: `::exercise{id="${id}"} must stand on its own line at the top level (not inside a list or quote)` });
        return;
      }
      if (state.placed.some((p) => p.id === id)) state.issues.push({ ...at, message: `::exercise{id="${id}"} is placed twice` });
      state.placed.push({ id, line: at.line });
      node.data = { hName: 'div', hProperties: { className: ['exercise-slot'], dataExerciseId: id } };
      node.children = [];
    });
  };
}

function isRelativeUrl(url: string): boolean {
  return url !== '' && !/^[a-z][a-z0-9+.-]*:/i.test(url) && !url.startsWith('/') && !url.startsWith('#');
}

/** Lesson-relative images must exist and stay inside the lesson folder. */
function remarkCheckImages(state: State) {
  return () => (tree: MdastRoot) => {
    visit(tree, 'image', (node: Image) => {
      if (!isRelativeUrl(node.url)) return;
      const rel = decodeURIComponent(node.url.split(/[?#]/)[0]).replace(/^\.\//, '');
      if (rel.split('/').includes('..')) state.issues.push({ ...lineOf(state, node), message: `image "${node.url}" points outside the lesson folder` });
      else if (state.opts.assetExists && !state.opts.assetExists(rel)) state.issues.push({ ...lineOf(state, node), message: `image "${node.url}" not found in the lesson folder` });
    });
  };
}

function markdownProcessor(state: State) {
  return unified().use(remarkParse).use(remarkGfm).use(remarkCallouts(state)).use(remarkExerciseDirective(state)).use(remarkCheckImages(state));
}

/** The cheap half of rendering (no HTML, no highlighting): placement and body errors. */
export function analyzeBody(markdown: string, opts: BodyOptions): BodyAnalysis {
  const state: State = { opts, placed: [], issues: [] };
  const processor = markdownProcessor(state);
  processor.runSync(processor.parse(markdown));
  return { placedExercises: state.placed, issues: state.issues };
}

// ---------------------------------------------------------------------------------------------
// HAST stage

const sanitizeSchema: SanitizeSchema = {
  ...defaultSchema,
  tagNames: [...(defaultSchema.tagNames ?? []), 'aside'],
  attributes: {
    ...defaultSchema.attributes,
    '*': [...(defaultSchema.attributes?.['*'] ?? []), 'className'],
    aside: ['dataCallout'],
    div: [...(defaultSchema.attributes?.div ?? []), 'dataExerciseId'],
    code: [['className', /^language-./], 'dataMeta'],
  },
};

/** remark-rehype keeps a fence's meta (`bash no-run`) in `data`, which sanitizing drops: keep it as a property. */
function rehypeKeepCodeMeta() {
  return (tree: HastRoot) => {
    visit(tree, 'element', (node: Element) => {
      const meta = (node.data as { meta?: string } | undefined)?.meta;
      if (node.tagName === 'code' && meta) node.properties = { ...node.properties, dataMeta: meta };
    });
  };
}

function textOf(node: ElementContent | HastRoot): string {
  if (node.type === 'text') return node.value;
  if (node.type === 'element' || node.type === 'root') return (node.children as ElementContent[]).map(textOf).join('');
  return '';
}

function el(tagName: string, properties: Element['properties'], children: ElementContent[] = []): Element {
  return { type: 'element', tagName, properties, children };
}

function button(label: string, properties: Element['properties']): Element {
  return el('button', { type: 'button', ...properties }, [{ type: 'text', value: label }]);
}

function shikiLanguage(hl: Highlighter, lang: string): string {
  if (lang === 'sh' || lang === 'shell') return 'bash';
  return hl.getLoadedLanguages().includes(lang) ? lang : 'text';
}

/** Highlights `code`; returns shiki's `<pre>` (classes, theme variables) for reuse. */
function highlight(hl: Highlighter, code: string, lang: string): Element {
  const root = hl.codeToHast(code, { lang: shikiLanguage(hl, lang), themes, defaultColor: false });
  return root.children[0] as Element;
}

function codeChildren(pre: Element): ElementContent[] {
  const code = pre.children.find((c): c is Element => c.type === 'element' && c.tagName === 'code');
  return code?.children ?? [];
}

/** Highlights code and turns shell blocks into runnable command blocks. */
function rehypeCodeBlocks(hl: Highlighter, lang: Language, commands: string[]) {
  const t = strings[lang];
  return () => (tree: HastRoot) => {
    visit(tree, 'element', (node: Element, index, parent) => {
      if (node.tagName !== 'pre' || !parent || index === undefined) return;
      const code = node.children.find((c): c is Element => c.type === 'element' && c.tagName === 'code');
      if (!code) return;
      const classes = (code.properties?.className as string[] | undefined) ?? [];
      const fence = classes.find((c) => c.startsWith('language-'))?.slice('language-'.length) ?? 'text';
      const meta = String(code.properties?.dataMeta ?? '');
      const source = textOf(code).replace(/\n$/, '');
      const runnable = commandLanguages.has(fence) && !/(^|\s)no-run(\s|$)/.test(meta);
      const tools = (copyText: string) =>
        el('div', { className: ['code-tools'] }, [el('span', { className: ['code-lang'] }, [{ type: 'text', value: fence }]), button(t.copy, { className: ['code-copy'], dataCopy: copyText, ariaLabel: t.copyLabel })]);

      if (!runnable) {
        const pre = highlight(hl, source, fence);
        parent.children[index] = el('div', { className: ['code-block', 'code-block-static'], dataLang: fence }, [tools(source), pre]);
        return;
      }

      const segments = splitCommandBlock(source);
      const blockCommands = segments.filter((s) => s.kind === 'command').map((s) => s.text);
      commands.push(...blockCommands);
      const container = highlight(hl, '', 'bash');
      const rows = segments.map((segment): Element => {
        if (segment.kind === 'command') {
          return el('div', { className: ['command-line'] }, [
            button(t.run, { className: ['command-run'], dataCommand: segment.text, ariaLabel: `${t.runLabel} ${segment.text}`, title: `${t.runLabel} ${segment.text}` }),
            el('pre', { className: ['command-code'] }, [el('code', {}, codeChildren(highlight(hl, segment.text, 'bash')))]),
          ]);
        }
        const content: ElementContent[] = segment.kind === 'comment' ? codeChildren(highlight(hl, segment.text, 'bash')) : [{ type: 'text', value: segment.text }];
        return el('div', { className: [`command-${segment.kind}`] }, [el('pre', { className: ['command-code'] }, [el('code', {}, content)])]);
      });
      parent.children[index] = el('div', { className: ['code-block', 'code-block-runnable'], dataLang: fence }, [
        tools(blockCommands.join('\n')),
        el('div', { className: [...String(container.properties.class ?? container.properties.className ?? '').split(' ').filter(Boolean), 'command-list'], style: container.properties.style }, rows),
      ]);
    });
  };
}

/** Heading ids and anchor links, lesson-relative image URLs, external links in a new tab. */
function rehypeLinks(assetBase: string, lang: Language) {
  return () => (tree: HastRoot) => {
    const seen = new Map<string, number>();
    visit(tree, 'element', (node: Element) => {
      if (/^h[1-6]$/.test(node.tagName)) {
        const base =
          textOf(node)
            .toLowerCase()
            .trim()
            .replace(/[^\p{L}\p{N}\s-]/gu, '')
            .replace(/\s+/g, '-') || 'section';
        const n = seen.get(base) ?? 0;
        seen.set(base, n + 1);
        const id = n ? `${base}-${n}` : base;
        node.properties = { ...node.properties, id };
        node.children.push(el('a', { className: ['heading-anchor'], href: `#${id}`, ariaLabel: strings[lang].anchor }, [{ type: 'text', value: '#' }]));
        return 'skip';
      }
      if (node.tagName === 'img') {
        const src = String(node.properties?.src ?? '');
        if (isRelativeUrl(src)) node.properties = { ...node.properties, src: `${assetBase}/${src.replace(/^\.\//, '')}` };
        node.properties = { ...node.properties, loading: 'lazy' };
      }
      if (node.tagName === 'a' && /^https?:\/\//.test(String(node.properties?.href ?? ''))) {
        node.properties = { ...node.properties, target: '_blank', rel: ['noopener', 'noreferrer'] };
      }
    });
  };
}

/** The page shows the frontmatter title as its one h1; a body that opens with its own h1 would repeat it. */
function remarkDropLeadingTitle() {
  return (tree: MdastRoot) => {
    const first = tree.children[0];
    if (first?.type === 'heading' && first.depth === 1) tree.children.shift();
  };
}

export async function renderLessonBody(markdown: string, opts: BodyOptions & { assetBase: string }): Promise<RenderedBody> {
  const state: State = { opts, placed: [], issues: [] };
  const commands: string[] = [];
  const lang = opts.lang ?? 'en';
  const hl = await highlighter();
  const file = await markdownProcessor(state)
    .use(remarkDropLeadingTitle)
    .use(remarkRehype)
    .use(rehypeKeepCodeMeta)
    .use(rehypeSanitize, sanitizeSchema)
    .use(rehypeCodeBlocks(hl, lang, commands))
    .use(rehypeLinks(opts.assetBase.replace(/\/$/, ''), lang))
    .use(rehypeStringify)
    .process(markdown);
  return { html: String(file), placedExercises: state.placed, issues: state.issues, commands };
}
