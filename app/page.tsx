import Link from 'next/link';
import { currentUser } from '@/lib/auth/request';
import { db } from '@/lib/db';
import { translations } from '@/lib/i18n';
import { loadCatalog } from '@/lib/lessons';
import { progressByLesson } from '@/lib/progress';

export const dynamic = 'force-dynamic';

export default async function CatalogPage() {
  const [{ lang, t }, user, catalog] = await Promise.all([translations(), currentUser(), loadCatalog()]);
  const progress = user ? await progressByLesson(db(), user.id) : {};
  const canSeeErrors = user?.role === 'admin' || user?.role === 'instructor';
  return (
    <div className="catalog">
      <section className="hero">
        <h1>kubelab</h1>
        <p>{t.appTagline}</p>
      </section>
      {canSeeErrors && catalog.errors.length > 0 && (
        <pre className="lesson-errors" role="alert">
          {catalog.errors.map((e) => `${e.file}:${e.line}:${e.column}: ${e.message}`).join('\n')}
        </pre>
      )}
      {catalog.tracks.map((track) => (
        <section key={track.id} className="track" aria-labelledby={`track-${track.id}`}>
          <header className="track-header">
            <h2 id={`track-${track.id}`}>{track.title[lang]}</h2>
            <p>{track.description[lang]}</p>
            <span className="muted">
              {track.lessons.length} {t.lessons}
            </span>
          </header>
          {track.lessons.length === 0 ? (
            <p className="muted">{t.noLessons}</p>
          ) : (
            <ol className="lesson-grid">
              {track.lessons.map((lesson) => {
                const state = progress[lesson.key];
                const broken = lesson.errors.length > 0;
                return (
                  <li key={lesson.key} className={`lesson-card${broken ? ' lesson-card-broken' : ''}`} data-lesson={lesson.key}>
                    <Link href={`/lessons/${lesson.track}/${lesson.slug}`}>
                      <span className="lesson-order">{String(lesson.order).padStart(2, '0')}</span>
                      <h3>{lesson.title[lang]}</h3>
                      <p>{lesson.summary[lang]}</p>
                      <div className="lesson-meta">
                        <span>
                          {lesson.duration} {t.minutes}
                        </span>
                        <span className={`difficulty difficulty-${lesson.difficulty}`}>{t.difficulty[lesson.difficulty]}</span>
                        {user && <span className={`progress progress-${state ?? 'none'}`}>{state === 'completed' ? t.progress.completed : state === 'started' ? t.progress.started : t.progress.notStarted}</span>}
                      </div>
                    </Link>
                    {broken && (
                      <div className="lesson-broken" role="note">
                        {t.broken}
                        {canSeeErrors && <pre>{lesson.errors.map((e) => `${e.file}:${e.line}:${e.column}: ${e.message}`).join('\n')}</pre>}
                      </div>
                    )}
                  </li>
                );
              })}
            </ol>
          )}
        </section>
      ))}
    </div>
  );
}
