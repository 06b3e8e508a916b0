// The lesson file format (documented for authors in lessons/AUTHORING.md).
import { z } from 'zod';
import { checkSchema } from '../grader/schema';

export const languages = ['en', 'ko'] as const;
export type Language = (typeof languages)[number];
export const primaryLanguage: Language = 'en';

const slug = z.string().regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'a lowercase DNS-1123 label such as "first-pods"');
const command = z.string().min(1, 'empty command');

export const profiles = ['none', 'docker', 'kubernetes', 'full'] as const;
export type SandboxProfile = (typeof profiles)[number];

const sandboxSchema = z.union([
  z.enum(profiles).transform((profile) => ({ profile, setup: [] as string[] })),
  z.strictObject({ profile: z.enum(profiles), setup: z.array(command).default([]) }),
]);

const exerciseShape = {
  id: slug,
  title: z.string().min(1),
  hints: z.array(z.string().min(1)).default([]),
  setup: z.array(command).default([]),
  solution: z.array(command).min(1, 'an exercise needs at least one solution command'),
  checks: z.array(checkSchema).min(1, 'an exercise needs at least one check'),
};
const exerciseSchema = z.strictObject(exerciseShape);

const quizShape = {
  id: slug,
  question: z.string().min(1),
  options: z.array(z.string().min(1)).min(2, 'a quiz question needs at least two options'),
  answer: z.number().int().min(0),
  explanation: z.string().optional(),
};
const quizSchema = z
  .strictObject(quizShape)
  .refine((q) => q.answer < q.options.length, { message: 'answer must be the index of one of the options', path: ['answer'] });

export const primaryFrontmatterSchema = z.strictObject({
  title: z.string().min(1),
  summary: z.string().min(1),
  duration: z.number().int().positive('duration is in minutes'),
  difficulty: z.enum(['beginner', 'intermediate', 'advanced']),
  order: z.number().int().nonnegative().optional(),
  sandbox: sandboxSchema,
  prerequisites: z.array(z.string().regex(/^[a-z0-9-]+\/[a-z0-9-]+$/, 'a lesson key such as "kubernetes/first-pods"')).default([]),
  exercises: z.array(exerciseSchema).default([]),
  quiz: z.array(quizSchema).default([]),
});
export type PrimaryFrontmatter = z.infer<typeof primaryFrontmatterSchema>;
export type Exercise = z.infer<typeof exerciseSchema>;
export type QuizQuestion = z.infer<typeof quizSchema>;

const checkTranslation = z.strictObject({ id: z.string().optional(), pass: z.string().optional(), fail: z.string().optional(), hint: z.string().optional() });

export const translationFrontmatterSchema = z.strictObject({
  title: z.string().min(1),
  summary: z.string().min(1),
  exercises: z
    .array(z.strictObject({ id: slug, title: z.string().min(1).optional(), hints: z.array(z.string().min(1)).optional(), checks: z.array(checkTranslation).optional() }))
    .default([]),
  quiz: z
    .array(z.strictObject({ id: slug, question: z.string().min(1).optional(), options: z.array(z.string().min(1)).optional(), explanation: z.string().optional() }))
    .default([]),
});
export type TranslationFrontmatter = z.infer<typeof translationFrontmatterSchema>;

const localized = z.strictObject({ en: z.string().min(1), ko: z.string().min(1).optional() });
export const tracksFileSchema = z.strictObject({
  tracks: z
    .array(z.strictObject({ id: slug, order: z.number().int().nonnegative(), title: localized, description: localized }))
    .min(1),
});
export type TracksFile = z.infer<typeof tracksFileSchema>;

type Path = (string | number)[];

/** The keys allowed at a place in en.md's frontmatter (for "did you mean" hints on typos). */
export function primaryKeysAt(path: Path): readonly string[] | undefined {
  if (path.length === 0) return Object.keys(primaryFrontmatterSchema.shape);
  if (path.length === 1 && path[0] === 'sandbox') return ['profile', 'setup'];
  if (path.length === 2 && path[0] === 'exercises') return Object.keys(exerciseShape);
  if (path.length === 2 && path[0] === 'quiz') return Object.keys(quizShape);
  return undefined;
}

/** Why a key is refused in a translation: most are language-neutral and belong in en.md. */
export function explainTranslationKey(path: Path, key: string): string | undefined {
  const inPrimary = primaryKeysAt(path.length >= 2 && path[0] === 'exercises' && path[2] === 'checks' ? path.slice(0, 2) : path)?.includes(key);
  if (path.length === 4 && path[2] === 'checks') return `"${key}" is language-neutral: a translated check carries only id, pass, fail, hint`;
  if (inPrimary) return `"${key}" is language-neutral: set it in en.md only`;
  return undefined;
}

export function translationKeysAt(path: Path): readonly string[] | undefined {
  if (path.length === 0) return Object.keys(translationFrontmatterSchema.shape);
  if (path.length === 2 && path[0] === 'exercises') return ['id', 'title', 'hints', 'checks'];
  if (path.length === 2 && path[0] === 'quiz') return ['id', 'question', 'options', 'explanation'];
  if (path.length === 4 && path[2] === 'checks') return ['id', 'pass', 'fail', 'hint'];
  return undefined;
}

export function trackKeysAt(path: Path): readonly string[] | undefined {
  if (path.length === 0) return ['tracks'];
  if (path.length === 2) return ['id', 'order', 'title', 'description'];
  if (path.length === 3) return languages;
  return undefined;
}
