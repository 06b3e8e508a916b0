// Production wiring of grading: lessons from lib/lessons, sandboxes from the process-wide manager.
import { sandboxManager } from '../../sandbox/platform';
import { db } from '../db';
import { getExerciseDefinition, isLanguage, loadCatalog, loadLesson } from '../lessons';
import type { ExerciseRef } from './dashboard';
import type { GradeDeps } from './grade';
import type { GradableSandbox } from './targets';

export function splitLessonKey(lessonKey: string): [string, string] | undefined {
  const m = /^([a-z0-9-]+)\/([a-z0-9-]+)$/.exec(lessonKey);
  return m ? [m[1], m[2]] : undefined;
}

export async function runningSandboxOf(userId: string): Promise<GradableSandbox | undefined> {
  const manager = sandboxManager();
  const info = await manager.get(userId);
  if (!info || info.state !== 'running') return undefined;
  manager.touch(info.id);
  return { id: info.id, profile: info.profile, kubeconfigPath: info.kubeconfigPath, dockerHost: info.dockerHost, exec: (command, opts) => manager.driver.exec(info.id, command, opts) };
}

export async function lessonExerciseIds(lessonKey: string): Promise<string[]> {
  const parts = splitLessonKey(lessonKey);
  if (!parts) return [];
  const r = await loadLesson(parts[0], parts[1], 'en');
  return r.ok ? r.lesson.exercises.map((e) => e.id) : [];
}

export function productionGradeDeps(): GradeDeps {
  return {
    db: db(),
    definition(lessonKey, exerciseId, lang) {
      const parts = splitLessonKey(lessonKey);
      return parts ? getExerciseDefinition(parts[0], parts[1], exerciseId, isLanguage(lang) ? lang : 'en') : undefined;
    },
    sandbox: runningSandboxOf,
    exerciseIds: lessonExerciseIds,
    options: { deadlineMs: Number(process.env.KUBELAB_GRADING_DEADLINE_MS ?? 20_000) },
  };
}

/** Every exercise of every openable lesson, in course order. */
export async function allExercises(): Promise<ExerciseRef[]> {
  const catalog = await loadCatalog();
  const out: ExerciseRef[] = [];
  for (const track of catalog.tracks) {
    for (const l of track.lessons) {
      if (l.errors.length || l.exerciseCount === 0) continue;
      const r = await loadLesson(l.track, l.slug, 'en');
      if (r.ok) for (const e of r.lesson.exercises) out.push({ lessonKey: l.key, exerciseId: e.id, title: e.title });
    }
  }
  return out;
}
