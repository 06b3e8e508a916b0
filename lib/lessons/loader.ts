// Discovers lessons under lessons/<track>/<NN-slug>/, validates them, merges translations and
// renders bodies. A broken lesson yields errors (file:line:col) and never breaks the catalog.
// Results are cached per lesson folder and invalidated when a file's mtime changes, so edits show
// up on the next request without a restart.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Check } from '../grader/schema';
import { formatError, parseYaml, splitFrontmatter, type LessonError } from './frontmatter';
import { renderLessonBody } from './render';
import {
  languages,
  primaryFrontmatterSchema,
  primaryLanguage,
  tracksFileSchema,
  translationFrontmatterSchema,
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

export function lessonsRoot(): string {
  return path.resolve(process.env.KUBELAB_LESSONS_DIR ?? path.join(process.cwd(), 'lessons'));
}

const FOLDER = /^(\d{2})-([a-z0-9]([-a-z0-9]*[a-z0-9])?)$/;

export interface LocalizedExercise {
  id: string;
  title: string;
  hints: string[];
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
  languages: Language[];
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
  errors: LessonError[];
}

export interface Lesson {
  key: string;
  track: string;
  slug: string;
  lang: Language;
  title: string;
  summary: string;
  duration: number;
  difficulty: PrimaryFrontmatter['difficulty'];
  sandbox: { profile: SandboxProfile; setup: string[] };
  prerequisites: string[];
  html: string;
  exercises: LocalizedExercise[];
  /** Exercise ids placed in the body; the rest are shown after it. */
  placedExercises: string[];
  quiz: QuizQuestion[];
  prev?: string;
  next?: string;
}

export type LessonResult = { ok: true; lesson: Lesson } | { ok: false; errors: LessonError[] } | { ok: false; notFound: true; errors: [] };

interface ParsedFile {
  rel: string;
  primary?: PrimaryFrontmatter;
  translation?: TranslationFrontmatter;
  body: string;
  bodyStartLine: number;
  errors: LessonError[];
}

interface ParsedLesson {
  signature: string;
  track: string;
  slug: string;
  order: number;
  dir: string;
  files: Partial<Record<Language, ParsedFile>>;
  primary?: PrimaryFrontmatter;
  errors: LessonError[];
  rendered: Partial<Record<Language, Promise<{ html: string; placed: string[]; errors: LessonError[] }>>>;
}

const cache = new Map<string, ParsedLesson>();

function relative(file: string): string {
  return path.relative(path.dirname(lessonsRoot()), file);
}

function signatureOf(dir: string): string {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.md'))
    .sort()
    .map((f) => `${f}:${statSync(path.join(dir, f)).mtimeMs}`)
    .join('|');
}

function parseFile(file: string, lang: Language): ParsedFile {
  const rel = relative(file);
  const split = splitFrontmatter(readFileSync(file, 'utf8'), rel);
  if ('message' in split) return { rel, body: '', bodyStartLine: 1, errors: [split] };
  if (lang === primaryLanguage) {
    const { value, errors } = parseYaml(split.yaml, primaryFrontmatterSchema, rel, split.yamlStartLine);
    return { rel, primary: value, body: split.body, bodyStartLine: split.bodyStartLine, errors };
  }
  const { value, errors } = parseYaml(split.yaml, translationFrontmatterSchema, rel, split.yamlStartLine);
  return { rel, translation: value, body: split.body, bodyStartLine: split.bodyStartLine, errors };
}

function duplicates(ids: string[]): string[] {
  return ids.filter((id, i) => ids.indexOf(id) !== i);
}

function crossCheck(lesson: ParsedLesson): LessonError[] {
  const errors: LessonError[] = [];
  const primary = lesson.primary;
  const primaryFile = lesson.files[primaryLanguage];
  if (!primary || !primaryFile) return errors;
  const at = (rel: string, message: string): LessonError => ({ file: rel, line: 1, column: 1, message });
  for (const id of duplicates(primary.exercises.map((e) => e.id))) errors.push(at(primaryFile.rel, `exercises: duplicate exercise id "${id}"`));
  for (const id of duplicates(primary.quiz.map((q) => q.id))) errors.push(at(primaryFile.rel, `quiz: duplicate question id "${id}"`));
  for (const exercise of primary.exercises) {
    const ids = exercise.checks.map((c, i) => c.id ?? String(i + 1));
    for (const id of duplicates(ids)) errors.push(at(primaryFile.rel, `exercises[${exercise.id}].checks: duplicate check id "${id}"`));
  }
  if (primary.sandbox.profile === 'none' && primary.exercises.length > 0) errors.push(at(primaryFile.rel, 'sandbox: a lesson with exercises needs a sandbox profile (docker, kubernetes or full)'));
  for (const lang of languages) {
    const t = lesson.files[lang]?.translation;
    if (!t) continue;
    const rel = lesson.files[lang]!.rel;
    for (const ex of t.exercises) {
      const original = primary.exercises.find((e) => e.id === ex.id);
      if (!original) errors.push(at(rel, `exercises: "${ex.id}" is not an exercise of ${primaryFile.rel}`));
      else if ((ex.checks?.length ?? 0) > original.checks.length) errors.push(at(rel, `exercises[${ex.id}].checks: ${ex.checks!.length} translated checks but the exercise has ${original.checks.length}`));
    }
    for (const q of t.quiz) {
      const original = primary.quiz.find((x) => x.id === q.id);
      if (!original) errors.push(at(rel, `quiz: "${q.id}" is not a question of ${primaryFile.rel}`));
      else if (q.options && q.options.length !== original.options.length) errors.push(at(rel, `quiz[${q.id}].options: ${q.options.length} options but the original has ${original.options.length}`));
    }
  }
  return errors;
}

function parseLesson(track: string, folder: string, dir: string): ParsedLesson {
  const match = FOLDER.exec(folder)!;
  const signature = signatureOf(dir);
  const key = `${track}/${match[2]}`;
  const cached = cache.get(key);
  if (cached && cached.signature === signature && cached.dir === dir) return cached;

  const lesson: ParsedLesson = { signature, track, slug: match[2], order: Number(match[1]), dir, files: {}, errors: [], rendered: {} };
  for (const lang of languages) {
    const file = path.join(dir, `${lang}.md`);
    if (!existsSync(file)) continue;
    const parsed = parseFile(file, lang);
    lesson.files[lang] = parsed;
    lesson.errors.push(...parsed.errors);
  }
  for (const f of readdirSync(dir)) {
    if (f.endsWith('.md') && !languages.includes(f.slice(0, -3) as Language)) {
      lesson.errors.push({ file: relative(path.join(dir, f)), line: 1, column: 1, message: `unknown language file; expected one of ${languages.map((l) => l + '.md').join(', ')}` });
    }
  }
  if (!lesson.files[primaryLanguage]) lesson.errors.push({ file: relative(dir), line: 1, column: 1, message: `missing ${primaryLanguage}.md (the primary language file)` });
  lesson.primary = lesson.files[primaryLanguage]?.primary;
  if (lesson.primary?.order !== undefined) lesson.order = lesson.primary.order;
  lesson.errors.push(...crossCheck(lesson));
  cache.set(key, lesson);
  return lesson;
}

function renderFor(lesson: ParsedLesson, lang: Language) {
  const existing = lesson.rendered[lang];
  if (existing) return existing;
  const file = lesson.files[lang] ?? lesson.files[primaryLanguage]!;
  const promise = renderLessonBody(file.body, { assetBase: `/lessons-assets/${lesson.track}/${path.basename(lesson.dir)}`, lineOffset: file.bodyStartLine }).then((r) => {
    const known = new Set(lesson.primary?.exercises.map((e) => e.id));
    const errors = r.placedExercises.filter((p) => !known.has(p.id)).map((p) => ({ file: file.rel, line: p.line, column: 1, message: `::exercise{id="${p.id}"} names no exercise of this lesson` }));
    return { html: r.html, placed: r.placedExercises.map((p) => p.id), errors };
  });
  lesson.rendered[lang] = promise;
  return promise;
}

function readTracks(root: string): { tracks: TracksFile['tracks']; errors: LessonError[] } {
  const file = path.join(root, 'tracks.yaml');
  if (!existsSync(file)) return { tracks: [], errors: [{ file: relative(file), line: 1, column: 1, message: 'missing tracks.yaml (track ids, titles and order)' }] };
  const { value, errors } = parseYaml(readFileSync(file, 'utf8'), tracksFileSchema, relative(file));
  return { tracks: value?.tracks ?? [], errors };
}

function discover(): { tracks: TracksFile['tracks']; lessons: ParsedLesson[]; errors: LessonError[] } {
  const root = lessonsRoot();
  const { tracks, errors } = readTracks(root);
  const lessons: ParsedLesson[] = [];
  for (const track of tracks) {
    const trackDir = path.join(root, track.id);
    if (!existsSync(trackDir)) continue;
    for (const folder of readdirSync(trackDir).sort()) {
      const dir = path.join(trackDir, folder);
      if (!statSync(dir).isDirectory()) continue;
      if (!FOLDER.test(folder)) {
        errors.push({ file: relative(dir), line: 1, column: 1, message: 'a lesson folder is named NN-slug, e.g. 03-scaling (two digits, a dash, a lowercase slug)' });
        continue;
      }
      lessons.push(parseLesson(track.id, folder, dir));
    }
  }
  for (const entry of existsSync(root) ? readdirSync(root) : []) {
    const dir = path.join(root, entry);
    if (statSync(dir).isDirectory() && !tracks.some((t) => t.id === entry) && tracks.length > 0) {
      errors.push({ file: relative(dir), line: 1, column: 1, message: `folder is not a track listed in tracks.yaml` });
    }
  }
  const keys = new Set(lessons.map((l) => `${l.track}/${l.slug}`));
  for (const l of lessons) {
    for (const p of l.primary?.prerequisites ?? []) {
      if (!keys.has(p)) errors.push({ file: l.files[primaryLanguage]!.rel, line: 1, column: 1, message: `prerequisites: unknown lesson "${p}"` });
    }
  }
  return { tracks, lessons, errors };
}

function localize(en: string, ko: string | undefined): Record<Language, string> {
  return { en, ko: ko ?? en };
}

export async function loadCatalog(): Promise<Catalog> {
  const { tracks, lessons, errors } = discover();
  return {
    errors,
    tracks: [...tracks]
      .sort((a, b) => a.order - b.order)
      .map((t) => ({
        id: t.id,
        order: t.order,
        title: localize(t.title.en, t.title.ko),
        description: localize(t.description.en, t.description.ko),
        lessons: lessons
          .filter((l) => l.track === t.id)
          .sort((a, b) => a.order - b.order)
          .map((l) => summarize(l)),
      })),
  };
}

function summarize(l: ParsedLesson): LessonSummary {
  const p = l.primary;
  const ko = l.files.ko?.translation;
  return {
    key: `${l.track}/${l.slug}`,
    track: l.track,
    slug: l.slug,
    order: l.order,
    title: localize(p?.title ?? l.slug, ko?.title),
    summary: localize(p?.summary ?? '', ko?.summary),
    duration: p?.duration ?? 0,
    difficulty: p?.difficulty ?? 'unknown',
    profile: p?.sandbox.profile ?? 'none',
    exerciseCount: p?.exercises.length ?? 0,
    quizCount: p?.quiz.length ?? 0,
    languages: languages.filter((lang) => l.files[lang]),
    errors: l.errors,
  };
}

function localizeExercise(e: Exercise, t: TranslationFrontmatter | undefined): LocalizedExercise {
  const tr = t?.exercises.find((x) => x.id === e.id);
  return { id: e.id, title: tr?.title ?? e.title, hints: tr?.hints ?? e.hints, solution: e.solution, checkCount: e.checks.length };
}

function localizeQuiz(q: QuizQuestion, t: TranslationFrontmatter | undefined): QuizQuestion {
  const tr = t?.quiz.find((x) => x.id === q.id);
  return { ...q, question: tr?.question ?? q.question, options: tr?.options ?? q.options, explanation: tr?.explanation ?? q.explanation };
}

export async function loadLesson(track: string, slug: string, lang: Language): Promise<LessonResult> {
  const { lessons } = discover();
  const lesson = lessons.find((l) => l.track === track && l.slug === slug);
  if (!lesson) return { ok: false, notFound: true, errors: [] };
  if (lesson.errors.length > 0 || !lesson.primary) return { ok: false, errors: lesson.errors };
  const rendered = await renderFor(lesson, lang);
  if (rendered.errors.length) return { ok: false, errors: rendered.errors };
  const p = lesson.primary;
  const t = lang === primaryLanguage ? undefined : lesson.files[lang]?.translation;
  const siblings = lessons.filter((l) => l.track === track).sort((a, b) => a.order - b.order);
  const i = siblings.indexOf(lesson);
  return {
    ok: true,
    lesson: {
      key: `${track}/${slug}`,
      track,
      slug,
      lang,
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
      prev: i > 0 ? `${track}/${siblings[i - 1].slug}` : undefined,
      next: i < siblings.length - 1 ? `${track}/${siblings[i + 1].slug}` : undefined,
    },
  };
}

export interface ExerciseDefinition {
  lessonKey: string;
  profile: SandboxProfile;
  lessonSetup: string[];
  exercise: Exercise;
  /** Localized pass/fail/hint overrides for the exercise's checks. */
  checks: Check[];
}

/** The language-neutral definition the grader and the self-test use. */
export function getExerciseDefinition(track: string, slug: string, exerciseId: string, lang: Language = primaryLanguage): ExerciseDefinition | undefined {
  const { lessons } = discover();
  const lesson = lessons.find((l) => l.track === track && l.slug === slug);
  const exercise = lesson?.primary?.exercises.find((e) => e.id === exerciseId);
  if (!lesson || !exercise || lesson.errors.length) return undefined;
  const tr = lang === primaryLanguage ? undefined : lesson.files[lang]?.translation?.exercises.find((e) => e.id === exerciseId);
  const checks = exercise.checks.map((c, i) => {
    const override = tr?.checks?.find((x) => x.id !== undefined && x.id === c.id) ?? tr?.checks?.[i];
    return override ? ({ ...c, ...(override.pass ? { pass: override.pass } : {}), ...(override.fail ? { fail: override.fail } : {}), ...(override.hint ? { hint: override.hint } : {}) } as Check) : c;
  });
  return { lessonKey: `${track}/${slug}`, profile: lesson.primary!.sandbox.profile, lessonSetup: lesson.primary!.sandbox.setup, exercise, checks };
}

/** Every error in the lesson tree (used by `kubelab lessons check`), bodies rendered too. */
export async function checkAllLessons(): Promise<LessonError[]> {
  const { lessons, errors } = discover();
  const all = [...errors];
  for (const l of lessons) {
    all.push(...l.errors);
    if (l.errors.length === 0 && l.primary) {
      for (const lang of languages) if (l.files[lang]) all.push(...(await renderFor(l, lang)).errors);
    }
  }
  return all;
}

export function describeErrors(errors: LessonError[]): string {
  return errors.map(formatError).join('\n');
}
