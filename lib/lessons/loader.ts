// Discovers lessons under lessons/<track>/<NN-slug>/, validates them, merges translations and
// renders bodies. A broken lesson yields errors (file:line:col) and never breaks the catalog.
//
// Parsed lessons are cached per folder and re-parsed when the folder's signature (names, sizes and
// mtimes of its entries) changes; a request costs one readdir + a few stats per lesson, so edits show
// up on the next request without a restart, in dev and in production alike.
import { existsSync, readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Check } from '../grader/schema';
import { formatError, parseYaml, splitFrontmatter, type LessonError, type YamlPath } from './frontmatter';
import { analyzeBody, renderLessonBody } from './render';
import {
  explainTranslationKey,
  languages,
  primaryFrontmatterSchema,
  primaryKeysAt,
  primaryLanguage,
  trackKeysAt,
  tracksFileSchema,
  translationFrontmatterSchema,
  translationKeysAt,
  type Exercise,
  type Language,
  type PrimaryFrontmatter,
  type QuizQuestion,
  type SandboxProfile,
  type TracksFile,
  type TranslationFrontmatter,
} from './schema';

export type { LessonError } from './frontmatter';
export { formatError } from './frontmatter';

/** The lesson tree: `KUBELAB_LESSONS_DIR` (tests, custom courses) or `./lessons`. */
export function lessonsRoot(): string {
  return path.resolve(process.env.KUBELAB_LESSONS_DIR ?? path.join(process.cwd(), 'lessons'));
}

export const LESSON_FOLDER = /^(\d{2})-([a-z0-9]([-a-z0-9]*[a-z0-9])?)$/;

export interface LocalizedExercise {
  id: string;
  title: string;
  hints: string[];
  /** Commands that solve the exercise (language-neutral). */
  solution: string[];
  checkCount: number;
}

export interface LessonSummary {
  key: string;
  track: string;
  slug: string;
  order: number;
  title: Record<Language, string>;
  summary: Record<Language, string>;
  duration: number;
  difficulty: PrimaryFrontmatter['difficulty'] | 'unknown';
  profile: SandboxProfile;
  exerciseCount: number;
  quizCount: number;
  /** Languages with their own file (others fall back to English). */
  languages: Language[];
  prerequisites: string[];
  /** Non-empty: the lesson is broken and cannot be opened. */
  errors: LessonError[];
}

export interface TrackSummary {
  id: string;
  order: number;
  title: Record<Language, string>;
  description: Record<Language, string>;
  lessons: LessonSummary[];
}

export interface Catalog {
  tracks: TrackSummary[];
  /** Problems outside any one lesson (tracks.yaml, stray folders). */
  errors: LessonError[];
}

export interface Lesson {
  key: string;
  track: string;
  slug: string;
  /** The language asked for; `contentLang` is what the body is actually written in. */
  lang: Language;
  contentLang: Language;
  title: string;
  summary: string;
  duration: number;
  difficulty: PrimaryFrontmatter['difficulty'];
  sandbox: { profile: SandboxProfile; setup: string[] };
  prerequisites: string[];
  html: string;
  exercises: LocalizedExercise[];
  /** Exercise ids placed in the body with `::exercise{id}`; the others are shown after it. */
  placedExercises: string[];
  quiz: QuizQuestion[];
  prev?: string;
  next?: string;
}

export type LessonResult = { ok: true; lesson: Lesson } | { ok: false; errors: LessonError[]; notFound?: true };

interface ParsedFile {
  lang: Language;
  rel: string;
  primary?: PrimaryFrontmatter;
  translation?: TranslationFrontmatter;
  body: string;
  bodyStartLine: number;
  errors: LessonError[];
  /** `::exercise{id}` directives in the body, with their lines. */
  placed: { id: string; line: number }[];
  locate(path: YamlPath): { line: number; column: number };
}

interface ParsedLesson {
  signature: string;
  key: string;
  track: string;
  slug: string;
  folder: string;
  order: number;
  dir: string;
  files: Partial<Record<Language, ParsedFile>>;
  primary?: PrimaryFrontmatter;
  /** Errors found in the folder itself; cross-lesson errors are added per discovery. */
  errors: LessonError[];
  rendered: Partial<Record<Language, Promise<{ html: string; placed: string[] } | { errors: LessonError[] }>>>;
}

const lessonCache = new Map<string, ParsedLesson>();
let tracksCache: { signature: string; root: string; tracks: TracksFile['tracks']; errors: LessonError[] } | undefined;

/** Paths in errors are relative to the directory holding the lesson tree, e.g. `lessons/docker/01-x/en.md`. */
function relative(file: string): string {
  return path.relative(path.dirname(lessonsRoot()), file) || file;
}

function statSignature(file: string): string {
  try {
    const s = statSync(file);
    return `${s.size}:${s.mtimeMs}`;
  } catch {
    return 'missing';
  }
}

function folderSignature(dir: string): string {
  return readdirSync(dir)
    .sort()
    .map((f) => `${f}:${statSignature(path.join(dir, f))}`)
    .join('|');
}

function isInside(parent: string, child: string): boolean {
  const rel = path.relative(parent, child);
  return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel);
}

function assetExistsIn(dir: string) {
  return (rel: string): boolean => {
    const file = path.resolve(dir, rel);
    if (!isInside(dir, file)) return false;
    try {
      return statSync(file).isFile() && isInside(realpathSync(dir), realpathSync(file));
    } catch {
      return false;
    }
  };
}

function parseFile(file: string, lang: Language, dir: string): ParsedFile {
  const rel = relative(file);
  const split = splitFrontmatter(readFileSync(file, 'utf8'), rel);
  const nowhere = () => ({ line: 1, column: 1 });
  if ('message' in split) return { lang, rel, body: '', bodyStartLine: 1, errors: [split], placed: [], locate: nowhere };
  const yamlOpts = { lineOffset: split.yamlStartLine };
  const result =
    lang === primaryLanguage
      ? (() => {
          const r = parseYaml(split.yaml, primaryFrontmatterSchema, rel, { ...yamlOpts, knownKeys: primaryKeysAt });
          return { primary: r.value, errors: r.errors, locate: r.locate };
        })()
      : (() => {
          const r = parseYaml(split.yaml, translationFrontmatterSchema, rel, { ...yamlOpts, knownKeys: translationKeysAt, explainUnknownKey: explainTranslationKey });
          return { translation: r.value, errors: r.errors, locate: r.locate };
        })();
  const analysis = analyzeBody(split.body, { lineOffset: split.bodyStartLine, lang, assetExists: assetExistsIn(dir) });
  const bodyErrors = analysis.issues.map((i) => ({ file: rel, ...i }));
  return { lang, rel, body: split.body, bodyStartLine: split.bodyStartLine, ...result, errors: [...result.errors, ...bodyErrors], placed: analysis.placedExercises };
}

function duplicateIndexes(ids: string[]): number[] {
  return ids.map((id, i) => (ids.indexOf(id) !== i ? i : -1)).filter((i) => i >= 0);
}

/** Consistency inside one lesson folder: ids, placements, translations against en.md. */
function crossCheck(lesson: ParsedLesson): LessonError[] {
  const errors: LessonError[] = [];
  const primary = lesson.primary;
  const primaryFile = lesson.files[primaryLanguage];
  if (!primary || !primaryFile) return errors;
  const err = (f: ParsedFile, p: YamlPath, message: string): LessonError => ({ file: f.rel, ...f.locate(p), message });

  for (const i of duplicateIndexes(primary.exercises.map((e) => e.id))) errors.push(err(primaryFile, ['exercises', i, 'id'], `exercises[${i}].id: duplicate exercise id "${primary.exercises[i].id}"`));
  for (const i of duplicateIndexes(primary.quiz.map((q) => q.id))) errors.push(err(primaryFile, ['quiz', i, 'id'], `quiz[${i}].id: duplicate question id "${primary.quiz[i].id}"`));
  primary.exercises.forEach((exercise, e) => {
    const ids = exercise.checks.map((c, i) => c.id ?? `#${i + 1}`);
    for (const i of duplicateIndexes(ids)) errors.push(err(primaryFile, ['exercises', e, 'checks', i, 'id'], `exercises[${e}].checks[${i}].id: duplicate check id "${ids[i]}"`));
  });
  if (primary.sandbox.profile === 'none' && primary.exercises.length > 0) {
    errors.push(err(primaryFile, ['sandbox'], 'sandbox: a lesson with exercises needs a sandbox profile (docker, kubernetes or full)'));
  }

  const exerciseIds = new Set(primary.exercises.map((e) => e.id));
  for (const lang of languages) {
    const file = lesson.files[lang];
    if (!file) continue;
    for (const p of file.placed) {
      if (!exerciseIds.has(p.id)) errors.push({ file: file.rel, line: p.line, column: 1, message: `::exercise{id="${p.id}"}: no exercise "${p.id}" in ${primaryFile.rel}` });
    }
    const t = file.translation;
    if (!t) continue;
    t.exercises.forEach((ex, i) => {
      const original = primary.exercises.find((e) => e.id === ex.id);
      if (!original) {
        errors.push(err(file, ['exercises', i, 'id'], `exercises[${i}].id: "${ex.id}" is not an exercise of ${primaryFile.rel}`));
        return;
      }
      (ex.checks ?? []).forEach((c, j) => {
        if (c.id !== undefined ? !original.checks.some((o) => o.id === c.id) : j >= original.checks.length) {
          const what = c.id !== undefined ? `no check with id "${c.id}"` : `only ${original.checks.length} check(s)`;
          errors.push(err(file, ['exercises', i, 'checks', j], `exercises[${i}].checks[${j}]: exercise "${ex.id}" in ${primaryFile.rel} has ${what}`));
        }
      });
      if (ex.hints && ex.hints.length !== original.hints.length) {
        errors.push(err(file, ['exercises', i, 'hints'], `exercises[${i}].hints: ${ex.hints.length} hint(s) but ${primaryFile.rel} has ${original.hints.length}`));
      }
    });
    t.quiz.forEach((q, i) => {
      const original = primary.quiz.find((x) => x.id === q.id);
      if (!original) errors.push(err(file, ['quiz', i, 'id'], `quiz[${i}].id: "${q.id}" is not a question of ${primaryFile.rel}`));
      else if (q.options && q.options.length !== original.options.length) {
        errors.push(err(file, ['quiz', i, 'options'], `quiz[${i}].options: ${q.options.length} options but ${primaryFile.rel} has ${original.options.length}`));
      }
    });
  }
  return errors;
}

function parseLesson(track: string, folder: string, dir: string): ParsedLesson {
  const match = LESSON_FOLDER.exec(folder)!;
  const signature = folderSignature(dir);
  const cached = lessonCache.get(dir);
  if (cached && cached.signature === signature) return cached;

  const lesson: ParsedLesson = { signature, key: `${track}/${match[2]}`, track, slug: match[2], folder, order: Number(match[1]), dir, files: {}, errors: [], rendered: {} };
  const entries = readdirSync(dir);
  for (const lang of languages) {
    if (!entries.includes(`${lang}.md`)) continue;
    const parsed = parseFile(path.join(dir, `${lang}.md`), lang, dir);
    lesson.files[lang] = parsed;
    lesson.errors.push(...parsed.errors);
  }
  for (const f of entries) {
    if (f.endsWith('.md') && !languages.includes(f.slice(0, -3) as Language)) {
      lesson.errors.push({ file: relative(path.join(dir, f)), line: 1, column: 1, message: `unknown language file; expected ${languages.map((l) => l + '.md').join(' or ')}` });
    }
  }
  if (!lesson.files[primaryLanguage]) lesson.errors.push({ file: relative(dir), line: 1, column: 1, message: `missing ${primaryLanguage}.md (the primary language file with the full frontmatter)` });
  lesson.primary = lesson.files[primaryLanguage]?.primary;
  if (lesson.primary?.order !== undefined) lesson.order = lesson.primary.order;
  lesson.errors.push(...crossCheck(lesson));
  lessonCache.set(dir, lesson);
  return lesson;
}

function readTracks(root: string): { tracks: TracksFile['tracks']; errors: LessonError[] } {
  const file = path.join(root, 'tracks.yaml');
  const signature = statSignature(file);
  if (tracksCache && tracksCache.root === root && tracksCache.signature === signature) return tracksCache;
  let result: { tracks: TracksFile['tracks']; errors: LessonError[] };
  if (signature === 'missing') {
    result = { tracks: [], errors: [{ file: relative(file), line: 1, column: 1, message: 'missing tracks.yaml (track ids, titles and order)' }] };
  } else {
    const parsed = parseYaml(readFileSync(file, 'utf8'), tracksFileSchema, relative(file), { knownKeys: trackKeysAt });
    const errors = [...parsed.errors];
    const tracks = parsed.value?.tracks ?? [];
    for (const i of duplicateIndexes(tracks.map((t) => t.id))) errors.push({ file: relative(file), ...parsed.locate(['tracks', i, 'id']), message: `tracks[${i}].id: duplicate track "${tracks[i].id}"` });
    result = { tracks, errors };
  }
  tracksCache = { signature, root, ...result };
  return result;
}

interface Discovery {
  tracks: TracksFile['tracks'];
  lessons: ParsedLesson[];
  /** Problems outside any lesson folder. */
  errors: LessonError[];
  /** Problems that depend on other lessons (prerequisites, duplicate slugs), by lesson folder. */
  related: Map<string, LessonError[]>;
}

function discover(): Discovery {
  const root = lessonsRoot();
  const { tracks, errors: trackErrors } = readTracks(root);
  const errors = [...trackErrors];
  const lessons: ParsedLesson[] = [];
  const related = new Map<string, LessonError[]>();
  const addRelated = (l: ParsedLesson, e: LessonError) => related.set(l.dir, [...(related.get(l.dir) ?? []), e]);

  for (const track of tracks) {
    const trackDir = path.join(root, track.id);
    if (!existsSync(trackDir)) continue;
    for (const folder of readdirSync(trackDir).sort()) {
      const dir = path.join(trackDir, folder);
      if (!statSync(dir).isDirectory()) continue;
      if (!LESSON_FOLDER.test(folder)) {
        errors.push({ file: relative(dir), line: 1, column: 1, message: 'a lesson folder is named NN-slug, e.g. 03-scaling (two digits, a dash, a lowercase DNS-1123 slug)' });
        continue;
      }
      lessons.push(parseLesson(track.id, folder, dir));
    }
  }
  if (existsSync(root) && tracks.length > 0) {
    for (const entry of readdirSync(root)) {
      if (!entry.startsWith('.') && statSync(path.join(root, entry)).isDirectory() && !tracks.some((t) => t.id === entry)) {
        errors.push({ file: relative(path.join(root, entry)), line: 1, column: 1, message: 'folder is not a track listed in tracks.yaml' });
      }
    }
  }
  const live = new Set(lessons.map((l) => l.dir));
  for (const dir of lessonCache.keys()) if (!live.has(dir)) lessonCache.delete(dir);

  const byKey = new Map<string, ParsedLesson[]>();
  for (const l of lessons) byKey.set(l.key, [...(byKey.get(l.key) ?? []), l]);
  for (const [key, same] of byKey) {
    if (same.length < 2) continue;
    for (const l of same) addRelated(l, { file: relative(l.dir), line: 1, column: 1, message: `slug "${l.slug}" is used by ${same.length} folders of ${l.track} (${same.map((s) => s.folder).join(', ')}); lesson URLs are /lessons/${key}` });
  }
  for (const l of lessons) {
    const file = l.files[primaryLanguage];
    (l.primary?.prerequisites ?? []).forEach((p, i) => {
      if (!byKey.has(p) && file) addRelated(l, { file: file.rel, ...file.locate(['prerequisites', i]), message: `prerequisites[${i}]: unknown lesson "${p}"` });
      if (p === l.key && file) addRelated(l, { file: file.rel, ...file.locate(['prerequisites', i]), message: `prerequisites[${i}]: a lesson cannot require itself` });
    });
  }
  return { tracks, lessons, errors, related };
}

function errorsOf(l: ParsedLesson, d: Discovery): LessonError[] {
  return [...l.errors, ...(d.related.get(l.dir) ?? [])];
}

function localized(en: string, ko: string | undefined): Record<Language, string> {
  return { en, ko: ko ?? en };
}

function summarize(l: ParsedLesson, d: Discovery): LessonSummary {
  const p = l.primary;
  const ko = l.files.ko?.translation;
  return {
    key: l.key,
    track: l.track,
    slug: l.slug,
    order: l.order,
    title: localized(p?.title ?? l.slug, ko?.title),
    summary: localized(p?.summary ?? '', ko?.summary),
    duration: p?.duration ?? 0,
    difficulty: p?.difficulty ?? 'unknown',
    profile: p?.sandbox.profile ?? 'none',
    exerciseCount: p?.exercises.length ?? 0,
    quizCount: p?.quiz.length ?? 0,
    languages: languages.filter((lang) => l.files[lang]),
    prerequisites: p?.prerequisites ?? [],
    errors: errorsOf(l, d),
  };
}

export async function loadCatalog(): Promise<Catalog> {
  const d = discover();
  return {
    errors: d.errors,
    tracks: [...d.tracks]
      .sort((a, b) => a.order - b.order)
      .map((t) => ({
        id: t.id,
        order: t.order,
        title: localized(t.title.en, t.title.ko),
        description: localized(t.description.en, t.description.ko),
        lessons: sortedLessons(d, t.id).map((l) => summarize(l, d)),
      })),
  };
}

function sortedLessons(d: Discovery, track: string): ParsedLesson[] {
  return d.lessons.filter((l) => l.track === track).sort((a, b) => a.order - b.order || a.folder.localeCompare(b.folder));
}

function renderFor(lesson: ParsedLesson, lang: Language) {
  const existing = lesson.rendered[lang];
  if (existing) return existing;
  const file = lesson.files[lang] ?? lesson.files[primaryLanguage]!;
  const assetBase = `/lessons-assets/${encodeURIComponent(lesson.track)}/${encodeURIComponent(lesson.folder)}`;
  const promise = renderLessonBody(file.body, { assetBase, lineOffset: file.bodyStartLine, lang: file.lang }).then(
    (r) => ({ html: r.html, placed: r.placedExercises.map((p) => p.id) }),
    (err: unknown) => {
      delete lesson.rendered[lang];
      return { errors: [{ file: file.rel, line: file.bodyStartLine, column: 1, message: `could not render the body: ${err instanceof Error ? err.message : String(err)}` }] };
    },
  );
  lesson.rendered[lang] = promise;
  return promise;
}

function localizeExercise(e: Exercise, t: TranslationFrontmatter | undefined): LocalizedExercise {
  const tr = t?.exercises.find((x) => x.id === e.id);
  return { id: e.id, title: tr?.title ?? e.title, hints: tr?.hints ?? e.hints, solution: e.solution, checkCount: e.checks.length };
}

function localizeQuiz(q: QuizQuestion, t: TranslationFrontmatter | undefined): QuizQuestion {
  const tr = t?.quiz.find((x) => x.id === q.id);
  return { ...q, question: tr?.question ?? q.question, options: tr?.options ?? q.options, explanation: tr?.explanation ?? q.explanation };
}

export function isLanguage(value: unknown): value is Language {
  return typeof value === 'string' && (languages as readonly string[]).includes(value);
}

/** One lesson, localized to `lang` with English fallback, its body rendered to HTML. */
export async function loadLesson(track: string, slug: string, lang: Language | string): Promise<LessonResult> {
  const wanted: Language = isLanguage(lang) ? lang : primaryLanguage;
  const d = discover();
  const lesson = d.lessons.find((l) => l.track === track && l.slug === slug);
  if (!lesson) return { ok: false, notFound: true, errors: [] };
  const errors = errorsOf(lesson, d);
  if (errors.length > 0 || !lesson.primary) return { ok: false, errors };
  const rendered = await renderFor(lesson, wanted);
  if ('errors' in rendered) return { ok: false, errors: rendered.errors };
  const p = lesson.primary;
  const t = wanted === primaryLanguage ? undefined : lesson.files[wanted]?.translation;
  const siblings = sortedLessons(d, track);
  const i = siblings.indexOf(lesson);
  return {
    ok: true,
    lesson: {
      key: lesson.key,
      track,
      slug,
      lang: wanted,
      contentLang: lesson.files[wanted] ? wanted : primaryLanguage,
      title: t?.title ?? p.title,
      summary: t?.summary ?? p.summary,
      duration: p.duration,
      difficulty: p.difficulty,
      sandbox: p.sandbox,
      prerequisites: p.prerequisites,
      html: rendered.html,
      exercises: p.exercises.map((e) => localizeExercise(e, t)),
      placedExercises: rendered.placed,
      quiz: p.quiz.map((q) => localizeQuiz(q, t)),
      prev: i > 0 ? siblings[i - 1].key : undefined,
      next: i >= 0 && i < siblings.length - 1 ? siblings[i + 1].key : undefined,
    },
  };
}

export interface ExerciseDefinition {
  lessonKey: string;
  profile: SandboxProfile;
  /** The lesson's `sandbox.setup`, run when the sandbox starts. */
  lessonSetup: string[];
  /** Language-neutral: id, title (en), hints (en), setup, solution, checks (en messages). */
  exercise: Exercise;
  /** The exercise's checks with pass/fail/hint messages in the requested language (English fallback). */
  checks: Check[];
}

/** What the grader and the self-test need for one exercise; undefined if unknown or the lesson is broken. */
export function getExerciseDefinition(track: string, slug: string, exerciseId: string, lang: Language = primaryLanguage): ExerciseDefinition | undefined {
  const d = discover();
  const lesson = d.lessons.find((l) => l.track === track && l.slug === slug);
  const exercise = lesson?.primary?.exercises.find((e) => e.id === exerciseId);
  if (!lesson?.primary || !exercise || errorsOf(lesson, d).length) return undefined;
  const tr = lang === primaryLanguage ? undefined : lesson.files[lang]?.translation?.exercises.find((e) => e.id === exerciseId);
  const checks = exercise.checks.map((c, i) => {
    const override = tr?.checks?.find((x) => x.id !== undefined && x.id === c.id) ?? tr?.checks?.filter((x) => x.id === undefined)[i];
    if (!override) return c;
    return { ...c, ...(override.pass ? { pass: override.pass } : {}), ...(override.fail ? { fail: override.fail } : {}), ...(override.hint ? { hint: override.hint } : {}) } as Check;
  });
  return { lessonKey: lesson.key, profile: lesson.primary.sandbox.profile, lessonSetup: lesson.primary.sandbox.setup, exercise, checks };
}

export interface CheckReport {
  errors: LessonError[];
  lessonCount: number;
  trackCount: number;
}

/**
 * Every error in the lesson tree (for `kubelab lessons check`), bodies rendered too.
 * `only` limits lesson errors to those whose folder is or lies inside one of the given paths.
 */
export async function checkAllLessons(only?: string[]): Promise<LessonError[]> {
  return (await checkLessons(only)).errors;
}

export async function checkLessons(only?: string[]): Promise<CheckReport> {
  const d = discover();
  const wanted = only?.map((p) => path.resolve(p));
  const selected = (dir: string) => !wanted || wanted.some((w) => w === dir || isInside(w, dir) || isInside(dir, w));
  const all = wanted ? d.errors.filter((e) => wanted.some((w) => path.resolve(path.dirname(lessonsRoot()), e.file).startsWith(w))) : [...d.errors];
  const lessons = d.lessons.filter((l) => selected(l.dir));
  for (const l of lessons) {
    const errors = errorsOf(l, d);
    all.push(...errors);
    if (errors.length === 0 && l.primary) {
      for (const lang of languages) {
        if (!l.files[lang]) continue;
        const rendered = await renderFor(l, lang);
        if ('errors' in rendered) all.push(...rendered.errors);
      }
    }
  }
  return { errors: all, lessonCount: lessons.length, trackCount: new Set(lessons.map((l) => l.track)).size };
}

export function describeErrors(errors: LessonError[]): string {
  return errors.map(formatError).join('\n');
}
