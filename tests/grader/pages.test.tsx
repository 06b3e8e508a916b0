// The instructor dashboard and the learner history pages render stored gradings (server components
// called directly, rendered to HTML), with the data attributes the browser test relies on.
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { renderToStaticMarkup } from 'react-dom/server';
import { createDb, type Db } from '@/lib/db';
import { prepareDatabase } from '@/lib/db/prepare';
import { createUser, type SessionUser } from '@/lib/auth/users';

jest.mock('@/app/components/grading/grading.css', () => ({}));
jest.mock('next/navigation', () => ({
  redirect: (to: string) => {
    throw new Error(`redirect ${to}`);
  },
}));
const who: { user: SessionUser | null } = { user: null };
jest.mock('@/lib/auth/request', () => ({ currentUser: async () => who.user }));

let db: Db;
let learner: SessionUser;
let instructor: SessionUser;
const lessonKey = 'kubernetes/first-deployment';

beforeAll(async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'kubelab-grading-pages-'));
  process.env.KUBELAB_LESSONS_DIR = path.join(__dirname, 'fixtures', 'lessons');
  const url = `file:${path.join(dir, 'pages.db')}`;
  await prepareDatabase(() => undefined, url);
  db = createDb(url);
  Object.assign(globalThis, { kubelabDb: db });
  learner = await createUser(db, { email: 'page-learner@example.com', password: 'longenough', name: 'Pat' });
  instructor = await createUser(db, { email: 'page-teacher@example.com', password: 'longenough' }, 'instructor');
  const results = JSON.stringify([
    { id: 'exists', type: 'k8s.exists', passed: true, weight: 1, message: 'The Deployment web exists.', expected: '', found: '' },
    { id: 'ready', type: 'k8s.ready', passed: false, weight: 1, message: 'Expected 2 ready replicas, found 0 ready', expected: '', found: '' },
  ]);
  await db.submission.create({ data: { userId: learner.id, lessonKey, exerciseId: 'create-web', passed: false, score: 1, maxScore: 2, results, hintsUsed: 1 } });
  await db.submission.create({ data: { userId: learner.id, lessonKey, exerciseId: 'create-web', passed: true, score: 2, maxScore: 2, results: results.replace('"passed":false', '"passed":true'), hintsUsed: 1 } });
}, 120_000);
afterAll(() => db.$disconnect());

async function html(element: Promise<React.ReactElement>): Promise<string> {
  return renderToStaticMarkup(await element);
}

describe('instructor dashboard page', () => {
  it('shows learners × exercises with status and attempts, filtered by query', async () => {
    const { default: InstructorPage } = await import('@/app/instructor/page');
    who.user = instructor;
    const page = await html(InstructorPage({ searchParams: Promise.resolve({ lesson: lessonKey }) }));
    expect(page).toContain(`data-learner="page-learner@example.com" data-lesson="${lessonKey}" data-exercise="create-web" data-status="passed"`);
    expect(page).toContain(`data-learner="page-learner@example.com" data-lesson="${lessonKey}" data-exercise="scale-web" data-status="not_started"`);
    expect(page).not.toContain('data-lesson="kubernetes/checks-nothing"');
    expect(page).toContain(`/api/v1/dashboard?format=csv&amp;lesson=${encodeURIComponent(lessonKey)}`);
    const passedOnly = await html(InstructorPage({ searchParams: Promise.resolve({ status: 'passed' }) }));
    expect(passedOnly.match(/<tr data-learner=/g)).toHaveLength(1);
    const bad = await html(InstructorPage({ searchParams: Promise.resolve({ status: 'finished' }) }));
    expect(bad).toContain('Filters ignored: status: ');
  });

  it('is refused to learners and redirects anonymous visitors to sign in', async () => {
    const { default: InstructorPage } = await import('@/app/instructor/page');
    who.user = learner;
    expect(await html(InstructorPage({ searchParams: Promise.resolve({}) }))).toContain('This page is for instructors and admins.');
    who.user = null;
    await expect(InstructorPage({ searchParams: Promise.resolve({}) })).rejects.toThrow('redirect /signin?callbackUrl=/instructor');
  });
});

describe('history page', () => {
  it('lists the learner’s own gradings with each check', async () => {
    const { default: HistoryPage } = await import('@/app/history/page');
    who.user = learner;
    const page = await html(HistoryPage());
    expect(page.match(/<tr data-submission=/g)).toHaveLength(2);
    expect(page).toContain('Expected 2 ready replicas, found 0 ready');
    expect(page).toContain('1 hint');
    who.user = instructor;
    expect(await html(HistoryPage())).toContain('No checks yet.');
  });
});
