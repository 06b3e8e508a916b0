// Collects the exercises `kubelab lessons test` runs, from the lesson tree.
import path from 'node:path';
import { getExerciseDefinition, loadCatalog, loadLesson, lessonsRoot } from '../lessons';
import type { SelfTestExercise } from './selftest';

export interface Selection {
  exercises: SelfTestExercise[];
  /** Selectors that matched no lesson, and lessons that cannot be tested because they are broken. */
  problems: string[];
}

/**
 * `only`: lesson keys (`kubernetes/first-pods`), folders (`lessons/kubernetes/01-first-pods`) or
 * track ids (`kubernetes`); empty means every lesson.
 */
export async function selectExercises(only: string[] = []): Promise<Selection> {
  const catalog = await loadCatalog();
  const root = lessonsRoot();
  const lessons = catalog.tracks.flatMap((t) => t.lessons);
  const problems: string[] = [];
  const matches = (l: (typeof lessons)[number], sel: string) => {
    if (sel === l.key || sel === l.track) return true;
    const abs = path.resolve(sel);
    const folder = path.join(root, l.track, `${String(l.order).padStart(2, '0')}-${l.slug}`);
    return abs === folder || abs === path.join(root, l.track) || (abs.startsWith(path.join(root, l.track) + path.sep) && path.basename(abs).replace(/^\d{2}-/, '') === l.slug);
  };
  for (const sel of only) if (!lessons.some((l) => matches(l, sel))) problems.push(`no lesson matches "${sel}" in ${root}`);
  const exercises: SelfTestExercise[] = [];
  for (const l of lessons) {
    if (only.length && !only.some((sel) => matches(l, sel))) continue;
    if (l.errors.length) {
      problems.push(`${l.key} is broken (${l.errors.length} errors): run \`kubelab lessons check\``);
      continue;
    }
    if (l.exerciseCount === 0) continue;
    const loaded = await loadLesson(l.track, l.slug, 'en');
    if (!loaded.ok) {
      problems.push(`${l.key} cannot be loaded: ${loaded.errors.map((e) => e.message).join('; ')}`);
      continue;
    }
    for (const { id } of loaded.lesson.exercises) {
      const d = getExerciseDefinition(l.track, l.slug, id);
      if (!d) continue;
      exercises.push({ lessonKey: l.key, profile: d.profile, lessonSetup: d.lessonSetup, exerciseId: id, setup: d.exercise.setup, solution: d.exercise.solution, checks: d.checks });
    }
  }
  return { exercises, problems };
}
