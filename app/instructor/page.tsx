// Instructor dashboard: learners × exercises with status, attempts, help used and time spent.
// Filters are query parameters (so a filtered view can be bookmarked and exported as is).
import Link from 'next/link';
import { redirect } from 'next/navigation';
import { currentUser } from '@/lib/auth/request';
import { db } from '@/lib/db';
import { dashboardFilterSchema, dashboardRows, listApiTokens, type DashboardFilter } from '@/lib/submissions';
import { allExercises } from '@/lib/submissions/service';
import { ApiTokens } from '../components/grading/ApiTokens';
import '../components/grading/grading.css';

export const dynamic = 'force-dynamic';

const statusLabel: Record<string, string> = { not_started: 'not started', attempted: 'attempted', passed: 'passed', passed_with_help: 'passed with help' };

function duration(seconds: number | null): string {
  if (seconds === null) return '—';
  if (seconds < 60) return `${seconds}s`;
  const m = Math.floor(seconds / 60);
  return m < 60 ? `${m}m ${seconds % 60}s` : `${Math.floor(m / 60)}h ${m % 60}m`;
}

export default async function InstructorPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const user = await currentUser();
  if (!user) redirect('/signin?callbackUrl=/instructor');
  if (user.role !== 'instructor' && user.role !== 'admin') {
    return (
      <div className="grading-page">
        <h1>Instructor dashboard</h1>
        <p role="alert">This page is for instructors and admins.</p>
      </div>
    );
  }
  const raw = await searchParams;
  const input = Object.fromEntries(['lesson', 'track', 'learner', 'status'].flatMap((k) => (typeof raw[k] === 'string' && raw[k] ? [[k, raw[k]]] : [])));
  const parsed = dashboardFilterSchema.safeParse(input);
  const filter: DashboardFilter = parsed.success ? parsed.data : {};
  const exercises = await allExercises();
  const [rows, tokens] = await Promise.all([dashboardRows(db(), exercises, filter), listApiTokens(db(), user.id)]);
  const lessons = [...new Set(exercises.map((e) => e.lessonKey))];
  const query = new URLSearchParams(Object.entries(filter).filter(([, v]) => v) as [string, string][]).toString();
  const learners = new Set(rows.map((r) => r.userId)).size;
  const passed = rows.filter((r) => r.status === 'passed' || r.status === 'passed_with_help').length;

  return (
    <div className="grading-page">
      <h1>Instructor dashboard</h1>
      {!parsed.success && <p role="alert">Filters ignored: {parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}</p>}
      <form className="grading-filters" method="get">
        <label>
          Lesson
          <select name="lesson" defaultValue={filter.lesson ?? ''}>
            <option value="">all lessons</option>
            {lessons.map((l) => (
              <option key={l} value={l}>
                {l}
              </option>
            ))}
          </select>
        </label>
        <label>
          Learner
          <input name="learner" defaultValue={filter.learner ?? ''} placeholder="email or name" />
        </label>
        <label>
          Status
          <select name="status" defaultValue={filter.status ?? ''}>
            <option value="">any status</option>
            {Object.entries(statusLabel).map(([v, l]) => (
              <option key={v} value={v}>
                {l}
              </option>
            ))}
          </select>
        </label>
        <button type="submit">Filter</button>
        <Link href="/instructor">Reset</Link>
        <a href={`/api/v1/dashboard?format=csv${query ? `&${query}` : ''}`} download>
          Export CSV
        </a>
        <a href={`/api/v1/dashboard?format=json${query ? `&${query}` : ''}`}>Export JSON</a>
        <a href={`/api/v1/submissions?format=csv${filter.lesson ? `&lesson=${encodeURIComponent(filter.lesson)}` : ''}`} download>
          All submissions (CSV)
        </a>
      </form>
      <p className="muted">
        {learners} learners, {rows.length} learner × exercise rows, {passed} passed.
      </p>
      <table className="grading-table" data-testid="dashboard">
        <thead>
          <tr>
            <th>Learner</th>
            <th>Lesson</th>
            <th>Exercise</th>
            <th>Status</th>
            <th>Attempts</th>
            <th>Hints</th>
            <th>Best score</th>
            <th>Time spent</th>
            <th>Last check</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={`${r.userId}/${r.lessonKey}/${r.exerciseId}`} data-learner={r.email} data-lesson={r.lessonKey} data-exercise={r.exerciseId} data-status={r.status}>
              <td>{r.name ? `${r.name} <${r.email}>` : r.email}</td>
              <td>{r.lessonKey}</td>
              <td>{r.exerciseId}</td>
              <td className={`grading-status-${r.status}`}>{statusLabel[r.status]}</td>
              <td>{r.attempts}</td>
              <td>{r.hintsRevealed}{r.solutionRevealed ? ' + solution' : ''}</td>
              <td>{r.bestScore === null ? '—' : `${r.bestScore}/${r.maxScore}`}</td>
              <td>{duration(r.timeSpentSeconds)}</td>
              <td>{r.lastAttemptAt ? r.lastAttemptAt.replace('T', ' ').slice(0, 19) : '—'}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <ApiTokens initial={tokens.map((t) => ({ id: t.id, name: t.name, createdAt: t.createdAt.toISOString(), lastUsedAt: t.lastUsedAt?.toISOString() ?? null }))} />
    </div>
  );
}
