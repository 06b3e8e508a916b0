'use client';
// One exercise: title, hints revealed one at a time, the solution behind a confirmation (its commands
// runnable), and a Check button when the page can grade: `onCheck`, or the grading API when the
// panel sits inside a <GradingProvider> (then hints and the solution reveal are recorded, earlier
// results are restored, and the exercise can be checked in the background while the learner works).
import { useCallback, useEffect, useId, useMemo, useRef, useState } from 'react';
import { ApiError } from '@/lib/security/client-fetch';
import type { LocalizedExercise } from '@/lib/lessons/loader';
import { CommandRow } from './CommandRow';
import { InlineText } from './InlineText';
import { stringsFor } from './strings';
import { copyText } from './terminal-bridge';
import type { CheckHandler, ExerciseCheckResult } from './types';
import { useFeedback } from './useFeedback';
import { useGrading } from '../grading/GradingContext';
import { gradingStringsFor } from '../grading/strings';
import './lesson.css';
import '../grading/grading.css';

const BACKGROUND_INTERVAL_MS = 5_000;

export interface ExercisePanelProps {
  exercise: LocalizedExercise;
  lang: string;
  /** Grades the exercise; without it no Check button is shown. */
  onCheck?: CheckHandler;
}

type SolutionState = 'hidden' | 'confirming' | 'shown';

export function ExercisePanel({ exercise, lang, onCheck }: ExercisePanelProps) {
  const t = stringsFor(lang);
  const g = gradingStringsFor(lang);
  const headingId = useId();
  const grading = useGrading();
  const [hintsShown, setHintsShown] = useState(0);
  const [solution, setSolution] = useState<SolutionState>('hidden');
  const [checking, setChecking] = useState(false);
  const [result, setResult] = useState<ExerciseCheckResult>();
  const [watching, setWatching] = useState(grading?.background ?? false);
  const [solvedWithHelp, setSolvedWithHelp] = useState(false);
  const [copyFeedback, showCopyFeedback] = useFeedback();
  const busy = useRef(false);

  const [partial, setPartial] = useState<ExerciseCheckResult>();
  const handler = useMemo<CheckHandler | undefined>(() => onCheck ?? (grading ? (id) => grading.check(id, { onProgress: setPartial }) : undefined), [onCheck, grading]);
  const progress = grading?.progress(exercise.id);

  // Restore what the learner did before (hints seen, solution revealed, the last grading).
  useEffect(() => {
    if (!progress) return;
    setHintsShown((n) => Math.max(n, Math.min(progress.hintsRevealed, exercise.hints.length)));
    setSolvedWithHelp(progress.status === 'passed_with_help');
    if (progress.lastResults) setResult((r) => r ?? { passed: progress.status === 'passed' || progress.status === 'passed_with_help', checks: progress.lastResults });
  }, [progress, exercise.hints.length]);

  // Opening the exercise starts its "time spent" on the instructor dashboard.
  useEffect(() => {
    void grading?.help(exercise.id, 'open').catch(() => undefined);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [grading?.lessonKey, exercise.id]);

  const check = useCallback(
    async (background = false) => {
      if (!handler || busy.current) return;
      busy.current = true;
      if (!background) {
        setChecking(true);
        setPartial(undefined);
      }
      try {
        const r = background && grading && !onCheck ? await grading.check(exercise.id, { background: true }) : await handler(exercise.id);
        setResult(r);
        if (r.passed) setWatching(false);
      } catch (err) {
        if (background) {
          // A background check never shows errors over the learner's last explicit result; it just stops.
          if (err instanceof ApiError && err.status === 429) setWatching(false);
        } else {
          const message = err instanceof Error ? err.message : String(err);
          setResult({ passed: false, error: err instanceof ApiError && err.status === 429 ? `${g.tooMany} ${message}` : message });
        }
      } finally {
        busy.current = false;
        if (!background) {
          setChecking(false);
          setPartial(undefined);
        }
      }
    },
    [handler, grading, onCheck, exercise.id, g.tooMany],
  );

  useEffect(() => {
    if (!watching || !handler || result?.passed) return;
    const timer = setInterval(() => {
      if (typeof document !== 'undefined' && document.hidden) return;
      void check(true);
    }, BACKGROUND_INTERVAL_MS);
    return () => clearInterval(timer);
  }, [watching, handler, result?.passed, check]);

  function revealHint() {
    setHintsShown((n) => Math.min(n + 1, exercise.hints.length));
    void grading?.help(exercise.id, 'hint').catch(() => undefined);
  }

  function revealSolution() {
    setSolution('shown');
    setSolvedWithHelp(true);
    void grading?.help(exercise.id, 'solution').catch(() => undefined);
  }

  return (
    <section className={`exercise-panel${result?.passed ? ' exercise-passed' : ''}`} data-exercise-id={exercise.id} aria-labelledby={headingId}>
      <header className="exercise-header">
        <span className="exercise-label">{t.exercise}</span>
        <h3 id={headingId} className="exercise-title">
          <InlineText text={exercise.title} />
        </h3>
      </header>

      {hintsShown > 0 && (
        <ol className="exercise-hints">
          {exercise.hints.slice(0, hintsShown).map((hint, i) => (
            <li key={i}>
              <span className="exercise-hint-label">{t.hint(i + 1)}</span> <InlineText text={hint} />
            </li>
          ))}
        </ol>
      )}

      <div className="exercise-actions">
        {handler && (
          <button type="button" className="exercise-check button-primary" data-exercise-id={exercise.id} onClick={() => void check()} disabled={checking} aria-busy={checking}>
            {checking ? t.checking : t.check}
          </button>
        )}
        {exercise.hints.length > 0 && (
          <button type="button" className="exercise-hint-button" onClick={revealHint} disabled={hintsShown >= exercise.hints.length}>
            {hintsShown >= exercise.hints.length ? t.noMoreHints : t.showHint(hintsShown + 1, exercise.hints.length)}
          </button>
        )}
        {solution === 'hidden' && (
          <button type="button" className="exercise-solution-button" onClick={() => setSolution('confirming')}>
            {t.showSolution}
          </button>
        )}
        {solution === 'shown' && (
          <button type="button" className="exercise-solution-button" onClick={() => setSolution('hidden')}>
            {t.hideSolution}
          </button>
        )}
        {handler && grading && !result?.passed && (
          <label className="exercise-watch">
            <input type="checkbox" checked={watching} onChange={(e) => setWatching(e.target.checked)} /> {g.watchOn}
          </label>
        )}
      </div>

      {solution === 'confirming' && (
        <div className="exercise-confirm" role="alertdialog" aria-label={t.showSolution}>
          <p>{t.confirmSolution}</p>
          <button type="button" onClick={revealSolution} autoFocus>
            {t.confirmYes}
          </button>
          <button type="button" onClick={() => setSolution('hidden')}>
            {t.confirmNo}
          </button>
        </div>
      )}

      {solution === 'shown' && (
        <div className="exercise-solution">
          <div className="code-tools">
            <span className="code-lang">{t.solution}</span>
            <button
              type="button"
              className="code-copy"
              onClick={async () => showCopyFeedback((await copyText(exercise.solution.join('\n'))) ? t.copied : t.copyFailed)}
            >
              {copyFeedback ?? t.copyAll}
            </button>
          </div>
          <div className="command-list">
            {exercise.solution.map((command, i) => (
              <CommandRow key={i} command={command} lang={lang} />
            ))}
          </div>
        </div>
      )}

      <div className="exercise-result" aria-live="polite">
        {checking && partial ? <CheckResultView result={partial} lang={lang} pending={exercise.checkCount - (partial.checks?.length ?? 0)} /> : result && <CheckResultView result={result} lang={lang} />}
        {result?.passed && solvedWithHelp && <p className="exercise-solved-with-help">{g.solvedWithHelp}</p>}
        {watching && !result?.passed && <p className="exercise-watching">{g.watching}</p>}
      </div>
    </section>
  );
}

function CheckResultView({ result, lang, pending = 0 }: { result: ExerciseCheckResult; lang: string; pending?: number }) {
  const t = stringsFor(lang);
  const g = gradingStringsFor(lang);
  if (result.error) {
    return (
      <p className="exercise-result-error">
        {t.checkError} {result.error}
      </p>
    );
  }
  return (
    <div className={pending > 0 ? 'exercise-result-running' : result.passed ? 'exercise-result-pass' : 'exercise-result-fail'}>
      {pending > 0 ? (
        <p className="exercise-result-summary exercise-result-progress">{t.checking}</p>
      ) : (
        <p className="exercise-result-summary">
          {result.passed ? t.passed : t.failed}
          {result.maxScore ? ` (${result.score ?? 0}/${result.maxScore})` : ''}
        </p>
      )}
      {((result.checks && result.checks.length > 0) || pending > 0) && (
        <ul className="exercise-result-checks">
          {(result.checks ?? []).map((c) => (
            <li key={c.id} className={c.passed ? 'check-pass' : 'check-fail'} data-check-id={c.id} data-passed={c.passed}>
              <span aria-hidden="true">{c.passed ? '✓' : '✗'}</span> {c.message}
              {!c.passed && c.hint && <div className="check-hint">{c.hint}</div>}
              {c.error && <div className="check-error">{c.error}</div>}
            </li>
          ))}
          {Array.from({ length: Math.max(0, pending) }, (_, i) => (
            <li key={`pending-${i}`} className="check-pending">
              <span aria-hidden="true">…</span> {g.pending}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
