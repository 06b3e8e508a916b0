'use client';
// Connects ExercisePanels to the grading API for one lesson: the lesson page wraps its body in
// <GradingProvider lessonKey=…>, and every panel inside gets a Check button backed by
// POST /api/exercises/check, recorded hints and solution reveals, optional background checking,
// and its previous state restored from GET /api/exercises/progress.
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { apiFetch } from '@/lib/security/client-fetch';
import type { ExerciseCheckResult } from '../lesson/types';
import { streamCheck } from './stream';

export interface ExerciseProgressView {
  exerciseId: string;
  status: 'not_started' | 'attempted' | 'passed' | 'passed_with_help';
  attempts: number;
  hintsRevealed: number;
  solutionRevealed: boolean;
  lastResults?: { id: string; passed: boolean; message: string }[];
}

export interface GradingApi {
  lessonKey: string;
  lang: string;
  /** Background checking on by default for this page. */
  background: boolean;
  progress(exerciseId: string): ExerciseProgressView | undefined;
  /** Grades server-side; `onProgress` receives the checks finished so far (results stream in check by check). */
  check(exerciseId: string, opts?: { background?: boolean; onProgress?: (partial: ExerciseCheckResult) => void }): Promise<ExerciseCheckResult & { lessonCompleted?: boolean }>;
  help(exerciseId: string, action: 'open' | 'hint' | 'solution'): Promise<void>;
  /** Called when the lesson becomes complete (every exercise passed). */
  onLessonCompleted?: () => void;
}

const GradingContext = createContext<GradingApi | undefined>(undefined);

export function useGrading(): GradingApi | undefined {
  return useContext(GradingContext);
}

export interface GradingProviderProps {
  lessonKey: string;
  lang: string;
  background?: boolean;
  onLessonCompleted?: () => void;
  children: ReactNode;
}

export function GradingProvider({ lessonKey, lang, background = false, onLessonCompleted, children }: GradingProviderProps) {
  const [progress, setProgress] = useState<Record<string, ExerciseProgressView>>({});

  useEffect(() => {
    let cancelled = false;
    apiFetch<{ exercises: ExerciseProgressView[] }>(`/api/exercises/progress?lesson=${encodeURIComponent(lessonKey)}`)
      .then((r) => !cancelled && setProgress(Object.fromEntries(r.exercises.map((e) => [e.exerciseId, e]))))
      .catch(() => undefined);
    return () => {
      cancelled = true;
    };
  }, [lessonKey]);

  const check = useCallback<GradingApi['check']>(
    async (exerciseId, opts = {}) => {
      const body = { lessonKey, exerciseId, lang: lang === 'ko' ? 'ko' : 'en', ...(opts.background ? { background: true } : {}) };
      const seen: NonNullable<ExerciseCheckResult['checks']> = [];
      const result = await streamCheck(body, (c) => {
        seen.push(c);
        opts.onProgress?.({ passed: false, checks: [...seen] });
      });
      if (result.lessonCompleted) onLessonCompleted?.();
      return result;
    },
    [lessonKey, lang, onLessonCompleted],
  );

  const help = useCallback<GradingApi['help']>(
    async (exerciseId, action) => {
      await apiFetch('/api/exercises/help', { body: { lessonKey, exerciseId, action } });
    },
    [lessonKey],
  );

  const api = useMemo<GradingApi>(() => ({ lessonKey, lang, background, progress: (id) => progress[id], check, help, onLessonCompleted }), [lessonKey, lang, background, progress, check, help, onLessonCompleted]);
  return <GradingContext.Provider value={api}>{children}</GradingContext.Provider>;
}
