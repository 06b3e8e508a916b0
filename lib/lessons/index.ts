// Public API of the lesson system. Pages use loadCatalog/loadLesson; the grader uses
// getExerciseDefinition; `kubelab lessons check` uses checkLessons.
export { loadCatalog, loadLesson, getExerciseDefinition, checkAllLessons, checkLessons, lessonsRoot, formatError, describeErrors, isLanguage } from './loader';
export type { Catalog, Lesson, LessonResult, LessonSummary, TrackSummary, LocalizedExercise, ExerciseDefinition, LessonError, CheckReport } from './loader';
export { languages, primaryLanguage, type Language, type SandboxProfile, type QuizQuestion } from './schema';
