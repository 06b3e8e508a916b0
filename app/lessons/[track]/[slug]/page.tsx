// A lesson: its text on the left, the learner's own terminal on the right.
import Link from 'next/link';
import { notFound, redirect } from 'next/navigation';
import { currentUser } from '@/lib/auth/request';
import { db } from '@/lib/db';
import { translations } from '@/lib/i18n';
import { formatError, loadLesson } from '@/lib/lessons';
import { markStarted } from '@/lib/progress';
import LessonWorkspace from '../../../components/workspace/LessonWorkspace';

export const dynamic = 'force-dynamic';

interface Params {
  params: Promise<{ track: string; slug: string }>;
}

export default async function LessonPage({ params }: Params) {
  const { track, slug } = await params;
  const [{ lang, t }, user] = await Promise.all([translations(), currentUser()]);
  if (!user) redirect(`/signin?callbackUrl=${encodeURIComponent(`/lessons/${track}/${slug}`)}`);
  const result = await loadLesson(track, slug, lang);
  if (!result.ok) {
    if (result.notFound) notFound();
    const canSeeErrors = user.role === 'admin' || user.role === 'instructor';
    return (
      <div className="page-narrow" role="alert">
        <h1>{t.broken}</h1>
        {canSeeErrors ? <pre className="lesson-errors">{result.errors.map(formatError).join('\n')}</pre> : <p className="muted">{t.brokenForLearners}</p>}
        <Link href="/">← {t.catalog}</Link>
      </div>
    );
  }
  const lesson = result.lesson;
  await markStarted(db(), user.id, lesson.key);
  return (
    <LessonWorkspace
      lesson={{
        key: lesson.key,
        title: lesson.title,
        summary: lesson.summary,
        duration: lesson.duration,
        difficulty: lesson.difficulty,
        profile: lesson.sandbox.profile,
        html: lesson.html,
        exercises: lesson.exercises,
        quiz: lesson.quiz,
        contentLang: lesson.contentLang,
        prev: lesson.prev,
        next: lesson.next,
      }}
      lang={lang}
      labels={{
        catalog: t.catalog,
        minutes: t.minutes,
        difficulty: t.difficulty[lesson.difficulty],
        previous: t.previous,
        next: t.next,
        resizeSplit: t.resizeSplit,
        noSandbox: t.noSandbox,
        fallbackLanguage: t.fallbackLanguage,
        terminal: t.terminal,
      }}
    />
  );
}
