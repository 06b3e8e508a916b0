export { loadCatalog, loadLesson, getExerciseDefinition, checkAllLessons, lessonsRoot, formatError, describeErrors } from './loader';
export type { Catalog, Lesson, LessonResult, LessonSummary, TrackSummary, LocalizedExercise, ExerciseDefinition, LessonError } from './loader';
export { languages, primaryLanguage, type Language, type SandboxProfile } from './schema';
