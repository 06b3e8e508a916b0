'use client';
// The rendered lesson: the body HTML from lib/lessons/render.ts with its Run/Copy buttons made live,
// `::exercise` slots replaced by ExercisePanels, and exercises not placed in the text listed at the end.
import { useMemo, useRef, type MouseEvent } from 'react';
import type { LocalizedExercise } from '@/lib/lessons/loader';
import { ExercisePanel } from './ExercisePanel';
import { stringsFor } from './strings';
import { copyText, sendToTerminal } from './terminal-bridge';
import type { CheckHandler } from './types';
import './lesson.css';

export interface LessonBodyProps {
  html: string;
  exercises: LocalizedExercise[];
  lang: string;
  onCheck?: CheckHandler;
}

export type BodySegment = { kind: 'html'; html: string } | { kind: 'exercise'; id: string };

// Exactly what render.ts emits for `::exercise{id="..."}` (slots only occur at the top level).
const SLOT = /<div class="exercise-slot" data-exercise-id="([a-z0-9-]+)"><\/div>/g;

/** Splits the body HTML around exercise slots, so panels render in place (also on the server). */
export function splitAtExerciseSlots(html: string): BodySegment[] {
  const segments: BodySegment[] = [];
  let last = 0;
  for (const match of html.matchAll(SLOT)) {
    if (match.index > last) segments.push({ kind: 'html', html: html.slice(last, match.index) });
    segments.push({ kind: 'exercise', id: match[1] });
    last = match.index + match[0].length;
  }
  if (last < html.length) segments.push({ kind: 'html', html: html.slice(last) });
  return segments;
}

export function LessonBody({ html, exercises, lang, onCheck }: LessonBodyProps) {
  const t = stringsFor(lang);
  const announcer = useRef<HTMLDivElement>(null);
  const segments = useMemo(() => splitAtExerciseSlots(html), [html]);
  const placed = new Set(segments.flatMap((s) => (s.kind === 'exercise' ? [s.id] : [])));
  const rest = exercises.filter((e) => !placed.has(e.id));
  const byId = new Map(exercises.map((e) => [e.id, e]));

  function flash(button: HTMLButtonElement, label: string, announcement: string) {
    const original = button.dataset.label ?? button.textContent ?? '';
    button.dataset.label = original;
    button.textContent = label;
    button.classList.add('is-flashing');
    if (announcer.current) announcer.current.textContent = announcement;
    clearTimeout(Number(button.dataset.timer));
    button.dataset.timer = String(
      window.setTimeout(() => {
        button.textContent = original;
        button.classList.remove('is-flashing');
      }, 1500),
    );
  }

  // One delegated handler for every button inside the rendered HTML.
  async function onClick(event: MouseEvent<HTMLDivElement>) {
    const target = event.target as HTMLElement;
    const run = target.closest<HTMLButtonElement>('button.command-run[data-command]');
    if (run && event.currentTarget.contains(run)) {
      sendToTerminal(run.dataset.command ?? '');
      flash(run, t.sent, t.sentAnnouncement);
      return;
    }
    const copy = target.closest<HTMLButtonElement>('button.code-copy[data-copy]');
    if (copy && event.currentTarget.contains(copy)) {
      const ok = await copyText(copy.dataset.copy ?? '');
      flash(copy, ok ? t.copied : t.copyFailed, ok ? t.copiedAnnouncement : t.copyFailed);
    }
  }

  return (
    <div className="lesson-body" lang={lang}>
      <div className="lesson-html" onClick={onClick}>
        {segments.map((s, i) => {
          if (s.kind === 'html') return <div key={i} className="lesson-html-part" dangerouslySetInnerHTML={{ __html: s.html }} />;
          const exercise = byId.get(s.id);
          return exercise ? <ExercisePanel key={s.id} exercise={exercise} lang={lang} onCheck={onCheck} /> : null;
        })}
      </div>
      {rest.length > 0 && (
        <div className="lesson-exercises">
          <h2>{t.moreExercises}</h2>
          {rest.map((e) => (
            <ExercisePanel key={e.id} exercise={e} lang={lang} onCheck={onCheck} />
          ))}
        </div>
      )}
      <div ref={announcer} className="visually-hidden" aria-live="polite" />
    </div>
  );
}
