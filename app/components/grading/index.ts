export { GradingProvider, useGrading, type GradingApi, type GradingProviderProps, type ExerciseProgressView } from './GradingContext';
