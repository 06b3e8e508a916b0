import { mkdtempSync, mkdirSync, writeFileSync, utimesSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { checkAllLessons, formatError, getExerciseDefinition, loadCatalog, loadLesson } from '@/lib/lessons';
import { commandsOf, renderLessonBody } from '@/lib/lessons/render';

const tracks = `tracks:
  - id: kubernetes
    order: 1
    title: { en: Kubernetes, ko: 쿠버네티스 }
    description: { en: Clusters, ko: 클러스터 }
`;

const good = `---
title: Scaling
summary: Change the replica count.
duration: 15
difficulty: beginner
sandbox: kubernetes
exercises:
  - id: scale-up
    title: Run 3 replicas
    hints: [Use kubectl scale]
    solution:
      - kubectl scale deployment web --replicas=3
    checks:
      - type: k8s.ready
        kind: Deployment
        name: web
        replicas: 3
        fail: Not yet three.
---
# Scaling

> [!TIP]
> Scale with one command.

\`\`\`bash
$ kubectl get pods
kubectl scale deployment web \\
  --replicas=3
\`\`\`

::exercise{id="scale-up"}

| a | b |
|---|---|
| 1 | 2 |

<script>alert(1)</script>
`;

const goodKo = `---
title: 스케일링
summary: 레플리카 수를 바꿉니다.
exercises:
  - id: scale-up
    title: 레플리카 3개 실행하기
    checks:
      - fail: 아직 세 개가 아닙니다.
---
# 스케일링
`;

function makeTree(files: Record<string, string>): string {
  const root = mkdtempSync(path.join(os.tmpdir(), 'kubelab-lessons-'));
  for (const [rel, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    writeFileSync(path.join(root, rel), content);
  }
  process.env.KUBELAB_LESSONS_DIR = root;
  return root;
}

afterEach(() => {
  delete process.env.KUBELAB_LESSONS_DIR;
});

describe('lesson loader', () => {
  it('loads a lesson, merges the translation and renders the body', async () => {
    makeTree({ 'tracks.yaml': tracks, 'kubernetes/03-scaling/en.md': good, 'kubernetes/03-scaling/ko.md': goodKo });
    const catalog = await loadCatalog();
    expect(catalog.errors).toEqual([]);
    expect(catalog.tracks[0].lessons[0]).toMatchObject({ key: 'kubernetes/scaling', order: 3, duration: 15, profile: 'kubernetes', exerciseCount: 1, title: { en: 'Scaling', ko: '스케일링' } });
    const en = await loadLesson('kubernetes', 'scaling', 'en');
    if (!en.ok) throw new Error(JSON.stringify(en));
    expect(en.lesson.html).toContain('class="callout callout-tip"');
    expect(en.lesson.html).toContain('data-command="kubectl get pods"');
    expect(en.lesson.html).toContain('data-exercise-id="scale-up"');
    expect(en.lesson.html).toContain('<table>');
    expect(en.lesson.html).not.toContain('<script>');
    expect(en.lesson.placedExercises).toEqual(['scale-up']);
    const ko = await loadLesson('kubernetes', 'scaling', 'ko');
    if (!ko.ok) throw new Error('ko failed');
    expect(ko.lesson.title).toBe('스케일링');
    expect(ko.lesson.exercises[0]).toMatchObject({ title: '레플리카 3개 실행하기', hints: ['Use kubectl scale'] });
    const def = getExerciseDefinition('kubernetes', 'scaling', 'scale-up', 'ko');
    expect(def?.checks[0]).toMatchObject({ type: 'k8s.ready', fail: '아직 세 개가 아닙니다.' });
  });

  it('names file, line and column for schema errors', async () => {
    const broken = good.replace('duration: 15', 'duration: fifteen').replace('        replicas: 3', '        replicas: 3\n        replicaz: 4');
    makeTree({ 'tracks.yaml': tracks, 'kubernetes/03-scaling/en.md': broken });
    const errors = (await checkAllLessons()).map(formatError);
    expect(errors).toContain('kubelab-lessons-' + errors[0].split('kubelab-lessons-')[1].split('/')[0] + '/kubernetes/03-scaling/en.md:4:11: duration: Invalid input: expected number, received string');
    expect(errors.some((e) => /en\.md:18:9: exercises\[0\]\.checks\[0\]\.replicaz: unknown key "replicaz"$/.test(e))).toBe(true);
  });

  it('reports YAML syntax errors with their line, and a broken lesson does not break the catalog', async () => {
    makeTree({
      'tracks.yaml': tracks,
      'kubernetes/01-ok/en.md': good.replace('id: scale-up', 'id: scale-up'),
      'kubernetes/02-bad/en.md': '---\ntitle: [unclosed\nsummary: x\n---\nbody\n',
    });
    const catalog = await loadCatalog();
    const [ok, bad] = catalog.tracks[0].lessons;
    expect(ok.errors).toEqual([]);
    expect(bad.errors[0].file).toMatch(/kubernetes\/02-bad\/en\.md$/);
    expect(bad.errors[0].line).toBeGreaterThanOrEqual(2);
    expect(bad.errors[0].message).toMatch(/^YAML: /);
    const result = await loadLesson('kubernetes', 'bad', 'en');
    expect(result.ok).toBe(false);
  });

  it('catches cross-file mistakes', async () => {
    makeTree({
      'tracks.yaml': tracks,
      'kubernetes/03-scaling/en.md': good.replace('::exercise{id="scale-up"}', '::exercise{id="scale-down"}'),
      'kubernetes/03-scaling/ko.md': goodKo.replace('id: scale-up', 'id: scale-upp'),
      'kubernetes/3-wrong/en.md': good,
      'kubernetes/04-nolang/ko.md': goodKo,
      'kubernetes/05-unknown-check/en.md': good.replace('type: k8s.ready', 'type: k8s.redy'),
    });
    const messages = (await checkAllLessons()).map(formatError).join('\n');
    expect(messages).toMatch(/03-scaling\/ko\.md:5:9: exercises\[0\]\.id: "scale-upp" is not an exercise of/);
    expect(messages).toMatch(/3-wrong:1:1: a lesson folder is named NN-slug/);
    expect(messages).toMatch(/04-nolang:1:1: missing en\.md/);
    expect(messages).toMatch(/05-unknown-check\/en\.md:14:15: exercises\[0\]\.checks\[0\]\.type: unknown check type "k8s\.redy" \(did you mean "k8s\.ready"\?\)/);
  });

  it('picks up edits without a restart', async () => {
    const root = makeTree({ 'tracks.yaml': tracks, 'kubernetes/03-scaling/en.md': good });
    const first = await loadLesson('kubernetes', 'scaling', 'en');
    expect(first.ok && first.lesson.title).toBe('Scaling');
    const file = path.join(root, 'kubernetes/03-scaling/en.md');
    writeFileSync(file, good.replace('title: Scaling', 'title: Scaling up'));
    const later = new Date(Date.now() + 5000);
    utimesSync(file, later, later);
    const second = await loadLesson('kubernetes', 'scaling', 'en');
    expect(second.ok && second.lesson.title).toBe('Scaling up');
  });
});

describe('command blocks', () => {
  it('strips prompts, joins continuations and heredocs, skips comments', () => {
    expect(commandsOf('kubectl get pods\n# comment\nkubectl scale deploy web \\\n  --replicas=3\ncat <<EOF > a.txt\nhello\nEOF\n')).toEqual([
      'kubectl get pods',
      'kubectl scale deploy web \\\n  --replicas=3',
      'cat <<EOF > a.txt\nhello\nEOF',
    ]);
  });
  it('with prompts, only prompted lines (and their continuations) are commands; the rest is output', () => {
    expect(commandsOf('$ kubectl get pods\nNAME READY\nweb 1/1\n$ kubectl scale deploy web \\\n  --replicas=3\n')).toEqual([
      'kubectl get pods',
      'kubectl scale deploy web \\\n  --replicas=3',
    ]);
  });
  it('no-run blocks get only a copy button; other languages are highlighted', async () => {
    const r = await renderLessonBody('```bash no-run\nkubectl delete ns <name>\n```\n\n```yaml\napiVersion: v1\n```\n', { assetBase: '/x', lineOffset: 1 });
    expect(r.commands).toEqual([]);
    expect(r.html).toContain('code-block-static');
    expect(r.html).toContain('shiki');
  });

  it('drops an opening h1 (the page shows the title) but keeps later headings', async () => {
    const r = await renderLessonBody('# Lesson title\n\nIntro.\n\n## Part one\n\n# Another h1\n', { assetBase: '/x', lineOffset: 1 });
    expect(r.html).not.toContain('Lesson title');
    expect(r.html).toContain('Intro.');
    expect(r.html).toMatch(/<h2[^>]*>.*Part one/);
    expect(r.html).toMatch(/<h1[^>]*>.*Another h1/);
  });
});
