'use client';
// One exercise: title, hints revealed one at a time, the solution behind a confirmation (its commands
// runnable), and a Check button when the page can grade (`onCheck`).
import { useId, useState } from 'react';
import type { LocalizedExercise } from '@/lib/lessons/loader';
import { CommandRow } from './CommandRow';
import { InlineText } from './InlineText';
import { stringsFor } from './strings';
import { copyText } from './terminal-bridge';
import type { CheckHandler, ExerciseCheckResult } from './types';
import { useFeedback } from './useFeedback';
import './lesson.css';

export interface ExercisePanelProps {
  exercise: LocalizedExercise;
  lang: string;
  /** Grades the exercise; without it no Check button is shown. */
  onCheck?: CheckHandler;
}

type SolutionState = 'hidden' | 'confirming' | 'shown';

export function ExercisePanel({ exercise, lang, onCheck }: ExercisePanelProps) {
  const t = stringsFor(lang);
  const headingId = useId();
  const [hintsShown, setHintsShown] = useState(0);
  const [solution, setSolution] = useState<SolutionState>('hidden');
  const [checking, setChecking] = useState(false);
  const [result, setResult] = useState<ExerciseCheckResult>();
  const [copyFeedback, showCopyFeedback] = useFeedback();

  async function check() {
    if (!onCheck) return;
    setChecking(true);
    try {
      setResult(await onCheck(exercise.id));
    } catch (err) {
      setResult({ passed: false, error: err instanceof Error ? err.message : String(err) });
    } finally {
      setChecking(false);
    }
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
        {onCheck && (
          <button type="button" className="exercise-check button-primary" data-exercise-id={exercise.id} onClick={check} disabled={checking} aria-busy={checking}>
            {checking ? t.checking : t.check}
          </button>
        )}
        {exercise.hints.length > 0 && (
          <button type="button" className="exercise-hint-button" onClick={() => setHintsShown((n) => Math.min(n + 1, exercise.hints.length))} disabled={hintsShown >= exercise.hints.length}>
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
      </div>

      {solution === 'confirming' && (
        <div className="exercise-confirm" role="alertdialog" aria-label={t.showSolution}>
          <p>{t.confirmSolution}</p>
          <button type="button" onClick={() => setSolution('shown')} autoFocus>
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
        {result && <CheckResultView result={result} lang={lang} />}
      </div>
    </section>
  );
}

function CheckResultView({ result, lang }: { result: ExerciseCheckResult; lang: string }) {
  const t = stringsFor(lang);
  if (result.error) {
    return (
      <p className="exercise-result-error">
        {t.checkError} {result.error}
      </p>
    );
  }
  return (
    <div className={result.passed ? 'exercise-result-pass' : 'exercise-result-fail'}>
      <p className="exercise-result-summary">
        {result.passed ? t.passed : t.failed}
        {result.maxScore ? ` (${result.score ?? 0}/${result.maxScore})` : ''}
      </p>
      {result.checks && result.checks.length > 0 && (
        <ul className="exercise-result-checks">
          {result.checks.map((c) => (
            <li key={c.id} className={c.passed ? 'check-pass' : 'check-fail'}>
              <span aria-hidden="true">{c.passed ? '✓' : '✗'}</span> {c.message}
              {!c.passed && c.hint && <div className="check-hint">{c.hint}</div>}
              {c.error && <div className="check-error">{c.error}</div>}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
