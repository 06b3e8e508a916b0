// Browser harness for the grading UI: an xterm terminal on the learner's sandbox (the real terminal
// WebSocket protocol) and the lesson's ExercisePanels inside a GradingProvider, as a lesson page
// composes them. Bundled with esbuild by tests/e2e/grading-panel.test.ts.
import { Terminal } from '@xterm/xterm';
import '@xterm/xterm/css/xterm.css';
import { createRoot } from 'react-dom/client';
import { GradingProvider } from '@/app/components/grading';
import { ExercisePanel } from '@/app/components/lesson/ExercisePanel';
import type { LocalizedExercise } from '@/lib/lessons/loader';

declare global {
  interface Window {
    __LESSON__: { lessonKey: string; profile: string; exercises: LocalizedExercise[] };
  }
}

const lesson = window.__LESSON__;
const term = new Terminal({ cols: 120, rows: 30 });
term.open(document.getElementById('terminal')!);
const ws = new WebSocket(`ws://${location.host}/api/terminal?profile=${lesson.profile}&cols=120&rows=30`);
ws.onmessage = (e) => {
  const m = JSON.parse(String(e.data)) as { type: string; data?: string };
  if (m.type === 'output' && m.data) term.write(m.data);
};
term.onData((data) => {
  if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify({ type: 'input', data }));
});

createRoot(document.getElementById('lesson')!).render(
  <GradingProvider lessonKey={lesson.lessonKey} lang="en">
    {lesson.exercises.map((e) => (
      <ExercisePanel key={e.id} exercise={e} lang="en" />
    ))}
  </GradingProvider>,
);
