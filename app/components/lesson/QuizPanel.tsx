'use client';
// Multiple-choice questions of a reading lesson, graded in the browser.
import { useId, useState } from 'react';
import type { QuizQuestion } from '@/lib/lessons/schema';
import { InlineText } from './InlineText';
import { stringsFor } from './strings';
import './lesson.css';

export interface QuizPanelProps {
  questions: QuizQuestion[];
  lang: string;
  /** Called after each submission, e.g. to record progress when everything is right. */
  onSubmit?: (correct: number, total: number) => void;
}

export function gradeQuiz(questions: QuizQuestion[], answers: Record<string, number | undefined>): { correct: number; total: number; results: Record<string, boolean> } {
  const results = Object.fromEntries(questions.map((q) => [q.id, answers[q.id] === q.answer]));
  return { correct: Object.values(results).filter(Boolean).length, total: questions.length, results };
}

export function QuizPanel({ questions, lang, onSubmit }: QuizPanelProps) {
  const t = stringsFor(lang);
  const baseId = useId();
  const [answers, setAnswers] = useState<Record<string, number | undefined>>({});
  const [submitted, setSubmitted] = useState(false);
  const [warning, setWarning] = useState<string>();
  if (questions.length === 0) return null;
  const grade = gradeQuiz(questions, answers);

  function submit() {
    if (questions.some((q) => answers[q.id] === undefined)) {
      setWarning(t.answerEveryQuestion);
      return;
    }
    setWarning(undefined);
    setSubmitted(true);
    onSubmit?.(grade.correct, grade.total);
  }

  return (
    <section className="quiz-panel" aria-labelledby={`${baseId}-title`}>
      <h2 id={`${baseId}-title`}>{t.quiz}</h2>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          submit();
        }}
      >
        {questions.map((q, n) => (
          <fieldset key={q.id} className={`quiz-question${submitted ? (grade.results[q.id] ? ' quiz-correct' : ' quiz-incorrect') : ''}`} disabled={submitted}>
            <legend>
              {n + 1}. <InlineText text={q.question} />
            </legend>
            {q.options.map((option, i) => (
              <label key={i} className={`quiz-option${submitted && i === q.answer ? ' quiz-answer' : ''}`}>
                <input type="radio" name={`${baseId}-${q.id}`} value={i} checked={answers[q.id] === i} onChange={() => setAnswers((a) => ({ ...a, [q.id]: i }))} />{' '}
                <InlineText text={option} />
              </label>
            ))}
            {submitted && (
              <p className="quiz-feedback" role="status">
                <strong>{grade.results[q.id] ? t.correct : t.incorrect}</strong>
                {q.explanation && (
                  <>
                    {' '}
                    <InlineText text={q.explanation} />
                  </>
                )}
              </p>
            )}
          </fieldset>
        ))}
        <div className="quiz-actions" aria-live="polite">
          {submitted ? (
            <>
              <span className="quiz-score">{t.score(grade.correct, grade.total)}</span>
              <button
                type="button"
                onClick={() => {
                  setSubmitted(false);
                  setAnswers({});
                }}
              >
                {t.retryQuiz}
              </button>
            </>
          ) : (
            <button type="submit" className="button-primary">
              {t.submitQuiz}
            </button>
          )}
          {warning && <span className="quiz-warning">{warning}</span>}
        </div>
      </form>
    </section>
  );
}
