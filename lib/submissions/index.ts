export { gradeExercise, startGrading, GradingError, type GradeDeps, type GradeRequest, type GradingJob, type SubmissionView } from './grade';
export { revealHint, revealSolution, touchExercise, type HelpState } from './help';
export { lessonExerciseProgress, submissionHistory, parseResults, type ExerciseProgress, type ExerciseStatus, type HistoryEntry } from './status';
export { dashboardRows, dashboardCsv, dashboardFilterSchema, toCsv, type DashboardRow, type DashboardFilter, type ExerciseRef } from './dashboard';
export { createApiToken, listApiTokens, revokeApiToken, authenticateBearer, hashToken } from './tokens';
export { targetsFor, dockerReaderFor, type GradableSandbox } from './targets';
