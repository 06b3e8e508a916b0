'use client';
// The lesson workspace: lesson text (with live Run/Copy rows and Check buttons) beside the
// learner's terminal, split by a draggable, keyboard-operable divider whose position is remembered.
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useCallback, useEffect, useRef, useState, type KeyboardEvent, type PointerEvent } from 'react';
import type { LocalizedExercise } from '@/lib/lessons/loader';
import type { QuizQuestion } from '@/lib/lessons/schema';
import { apiFetch } from '@/lib/security/client-fetch';
import { GradingProvider } from '../grading';
import { LessonBody, QuizPanel } from '../lesson';
import Terminal from '../terminal/Terminal';
import SandboxBar from './SandboxBar';
import './workspace.css';

type Profile = 'none' | 'docker' | 'kubernetes' | 'full';

export interface WorkspaceLesson {
  key: string;
  title: string;
  summary: string;
  duration: number;
  difficulty: string;
  profile: Profile;
  html: string;
  exercises: LocalizedExercise[];
  quiz: QuizQuestion[];
  contentLang: string;
  prev?: string;
  next?: string;
}

interface Props {
  lesson: WorkspaceLesson;
  lang: string;
  labels: {
    catalog: string;
    minutes: string;
    difficulty: string;
    previous: string;
    next: string;
    resizeSplit: string;
    noSandbox: string;
    fallbackLanguage: string;
    terminal: { connecting: string; starting: string; connected: string; reconnecting: string; search: string; copyOnSelect: string; hint: string };
  };
}

const SPLIT_KEY = 'kubelab.split';
const MIN_PERCENT = 25;
const MAX_PERCENT = 75;
const clamp = (n: number) => Math.min(MAX_PERCENT, Math.max(MIN_PERCENT, n));

export default function LessonWorkspace({ lesson, lang, labels }: Props) {
  const router = useRouter();
  const root = useRef<HTMLDivElement>(null);
  const [split, setSplit] = useState(50);
  const dragging = useRef(false);
  const hasTerminal = lesson.profile !== 'none';

  useEffect(() => {
    const stored = Number(window.localStorage.getItem(SPLIT_KEY));
    if (stored >= MIN_PERCENT && stored <= MAX_PERCENT) setSplit(stored);
  }, []);
  const remember = useCallback((value: number) => window.localStorage.setItem(SPLIT_KEY, String(Math.round(value))), []);

  const onPointerDown = (e: PointerEvent<HTMLDivElement>) => {
    dragging.current = true;
    e.currentTarget.setPointerCapture(e.pointerId);
  };
  const onPointerMove = (e: PointerEvent<HTMLDivElement>) => {
    if (!dragging.current || !root.current) return;
    const box = root.current.getBoundingClientRect();
    setSplit(clamp(((e.clientX - box.left) / box.width) * 100));
  };
  const onPointerUp = (e: PointerEvent<HTMLDivElement>) => {
    if (!dragging.current) return;
    dragging.current = false;
    e.currentTarget.releasePointerCapture(e.pointerId);
    setSplit((s) => {
      remember(s);
      return s;
    });
  };
  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    const step = e.shiftKey ? 10 : 2;
    const delta = e.key === 'ArrowLeft' ? -step : e.key === 'ArrowRight' ? step : 0;
    if (!delta) return;
    e.preventDefault();
    setSplit((s) => {
      const next = clamp(s + delta);
      remember(next);
      return next;
    });
  };

  const onQuiz = (correct: number, total: number) => {
    if (total > 0 && correct === total && lesson.exercises.length === 0) {
      void apiFetch('/api/progress', { body: { lessonKey: lesson.key, status: 'completed' } })
        .then(() => router.refresh())
        .catch(() => undefined);
    }
  };

  const [track] = lesson.key.split('/');
  const text = (
    <article className="workspace-lesson" aria-labelledby="lesson-title">
      <nav className="workspace-breadcrumb">
        <Link href="/">{labels.catalog}</Link> / <span>{track}</span>
      </nav>
      <header className="workspace-header">
        <h1 id="lesson-title">{lesson.title}</h1>
        <p className="workspace-summary">{lesson.summary}</p>
        <div className="lesson-meta">
          <span>
            {lesson.duration} {labels.minutes}
          </span>
          <span className={`difficulty difficulty-${lesson.difficulty}`}>{labels.difficulty}</span>
          {lesson.contentLang !== lang && <span className="muted">{labels.fallbackLanguage}</span>}
        </div>
      </header>
      <GradingProvider lessonKey={lesson.key} lang={lang} background onLessonCompleted={() => router.refresh()}>
        <LessonBody html={lesson.html} exercises={lesson.exercises} lang={lang} />
      </GradingProvider>
      <QuizPanel questions={lesson.quiz} lang={lang} onSubmit={onQuiz} />
      <nav className="workspace-pager">
        {lesson.prev ? <Link href={`/lessons/${lesson.prev}`}>← {labels.previous}</Link> : <span />}
        {lesson.next ? <Link href={`/lessons/${lesson.next}`}>{labels.next} →</Link> : <span />}
      </nav>
    </article>
  );

  if (!hasTerminal) return <div className="workspace workspace-reading">{text}</div>;
  return (
    <div className="workspace" ref={root} style={{ gridTemplateColumns: `${split}% 8px minmax(0, 1fr)` }}>
      <div className="workspace-pane workspace-pane-text">{text}</div>
      <div
        className="workspace-divider"
        role="separator"
        aria-orientation="vertical"
        aria-label={labels.resizeSplit}
        aria-valuemin={MIN_PERCENT}
        aria-valuemax={MAX_PERCENT}
        aria-valuenow={Math.round(split)}
        tabIndex={0}
        onPointerDown={onPointerDown}
        onPointerMove={onPointerMove}
        onPointerUp={onPointerUp}
        onKeyDown={onKeyDown}
      />
      <div className="workspace-pane workspace-pane-terminal">
        <SandboxBar lang={lang} />
        <Terminal profile={lesson.profile} labels={labels.terminal} />
      </div>
    </div>
  );
}
