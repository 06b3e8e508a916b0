// A learner's own gradings, newest first, with each check's result.
import Link from 'next/link';
import { redirect } from 'next/navigation';
import { currentUser } from '@/lib/auth/request';
import { db } from '@/lib/db';
import { submissionHistory } from '@/lib/submissions';
import '../components/grading/grading.css';

export const dynamic = 'force-dynamic';

export default async function HistoryPage() {
  const user = await currentUser();
  if (!user) redirect('/signin?callbackUrl=/history');
  const entries = await submissionHistory(db(), user.id, { limit: 300 });
  return (
    <div className="grading-page">
      <h1>Your checks</h1>
      {entries.length === 0 ? (
        <p className="muted">No checks yet. Open a lesson, do an exercise in the terminal and press Check.</p>
      ) : (
        <table className="grading-table" data-testid="history">
          <thead>
            <tr>
              <th>When</th>
              <th>Lesson</th>
              <th>Exercise</th>
              <th>Result</th>
              <th>Score</th>
              <th>Help</th>
              <th>Checks</th>
            </tr>
          </thead>
          <tbody>
            {entries.map((e) => (
              <tr key={e.id} data-submission={e.id}>
                <td>
                  <time dateTime={e.createdAt}>{e.createdAt.replace('T', ' ').slice(0, 19)} UTC</time>
                </td>
                <td>
                  <Link href={`/lessons/${e.lessonKey}`}>{e.lessonKey}</Link>
                </td>
                <td>{e.exerciseId}</td>
                <td className={e.passed ? 'grading-status-passed' : 'grading-status-attempted'}>{e.passed ? 'passed' : 'not yet'}</td>
                <td>
                  {e.score}/{e.maxScore}
                </td>
                <td>{[e.hintsUsed ? `${e.hintsUsed} hint${e.hintsUsed === 1 ? '' : 's'}` : '', e.solutionRevealed ? 'solution shown' : ''].filter(Boolean).join(', ') || '—'}</td>
                <td>
                  <ul className="exercise-result-checks">
                    {e.checks.map((c) => (
                      <li key={c.id} className={c.passed ? 'check-pass' : 'check-fail'}>
                        <span aria-hidden="true">{c.passed ? '✓' : '✗'}</span> {c.message}
                      </li>
                    ))}
                  </ul>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
