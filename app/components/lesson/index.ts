export { LessonBody, splitAtExerciseSlots, type LessonBodyProps } from './LessonBody';
export { ExercisePanel, type ExercisePanelProps } from './ExercisePanel';
export { QuizPanel, gradeQuiz, type QuizPanelProps } from './QuizPanel';
export { TERMINAL_INPUT_EVENT, sendToTerminal, copyText, type TerminalInputDetail } from './terminal-bridge';
export type { ExerciseCheckResult, CheckHandler } from './types';
