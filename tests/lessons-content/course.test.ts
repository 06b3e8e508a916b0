// Content checks over the real course in lessons/: it validates, every lesson exists in both
// languages, there are enough hands-on lessons, and every exercise can be graded and solved.
import path from 'node:path';
import { checkLessons, describeErrors, getExerciseDefinition, loadCatalog, loadLesson } from '@/lib/lessons';

jest.setTimeout(120_000);

const root = path.join(__dirname, '..', '..', 'lessons');

beforeAll(() => {
  process.env.KUBELAB_LESSONS_DIR = root;
});

test('lessons check is clean', async () => {
  const report = await checkLessons();
  expect(describeErrors(report.errors)).toBe('');
  expect(report.lessonCount).toBeGreaterThan(0);
});

test('every lesson has an English and a Korean file', async () => {
  const catalog = await loadCatalog();
  const lessons = catalog.tracks.flatMap((t) => t.lessons);
  expect(lessons.length).toBeGreaterThan(0);
  const missing = lessons.filter((l) => !(l.languages.includes('en') && l.languages.includes('ko'))).map((l) => l.key);
  expect(missing).toEqual([]);
});

test('at least 16 hands-on lessons, each with a sandbox and exercises', async () => {
  const catalog = await loadCatalog();
  const handsOn = catalog.tracks.flatMap((t) => t.lessons).filter((l) => l.profile !== 'none');
  expect(handsOn.length).toBeGreaterThanOrEqual(16);
  for (const l of handsOn) expect({ lesson: l.key, exercises: l.exerciseCount > 0 }).toEqual({ lesson: l.key, exercises: true });
});

test('reading-only lessons carry a quiz', async () => {
  const catalog = await loadCatalog();
  const reading = catalog.tracks.flatMap((t) => t.lessons).filter((l) => l.profile === 'none');
  for (const l of reading) expect({ lesson: l.key, quiz: l.quizCount > 0 }).toEqual({ lesson: l.key, quiz: true });
});

test('every exercise has at least one check and one solution command', async () => {
  const catalog = await loadCatalog();
  const problems: string[] = [];
  let exercises = 0;
  for (const track of catalog.tracks) {
    for (const l of track.lessons) {
      const lesson = await loadLesson(l.track, l.slug, 'en');
      if (!lesson.ok) {
        problems.push(`${l.key}: ${describeErrors(lesson.errors)}`);
        continue;
      }
      for (const ex of lesson.lesson.exercises) {
        exercises++;
        const def = getExerciseDefinition(l.track, l.slug, ex.id);
        if (!def) problems.push(`${l.key}/${ex.id}: no definition`);
        else {
          if (def.checks.length === 0) problems.push(`${l.key}/${ex.id}: no checks`);
          if (def.exercise.solution.filter((c) => c.trim() !== '').length === 0) problems.push(`${l.key}/${ex.id}: no solution`);
          if (def.exercise.hints.length === 0) problems.push(`${l.key}/${ex.id}: no hints`);
        }
      }
    }
  }
  expect(problems).toEqual([]);
  expect(exercises).toBeGreaterThanOrEqual(16);
});
