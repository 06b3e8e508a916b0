// What an exercise check reports back to the panel. A subset of lib/grader's GradeResult, so the
// grader's result can be passed through as is.
export interface ExerciseCheckResult {
  passed: boolean;
  score?: number;
  maxScore?: number;
  checks?: { id: string; passed: boolean; message: string; hint?: string; error?: string }[];
  /** Set when grading itself failed (no sandbox, timeout): shown instead of the checks. */
  error?: string;
}

export type CheckHandler = (exerciseId: string) => Promise<ExerciseCheckResult>;
