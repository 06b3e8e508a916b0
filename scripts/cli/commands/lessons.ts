// `kubelab lessons check|list`: instructor tools for the lesson tree.
import type { CommandGroup } from '../types';

const help = `Usage: kubelab lessons <command>

Commands:
  check    Validate every lesson (frontmatter, checks, translations, bodies); prints file:line:col errors
  list     List tracks and lessons with duration, difficulty and sandbox profile
  test     Self-test exercises in fresh sandboxes: checks fail before, pass after the solution
`;

async function check(): Promise<number> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const lessons = require('../../../lib/lessons') as typeof import('../../../lib/lessons');
  const errors = await lessons.checkAllLessons();
  const catalog = await lessons.loadCatalog();
  const count = catalog.tracks.reduce((n, t) => n + t.lessons.length, 0);
  if (errors.length) {
    process.stderr.write(lessons.describeErrors(errors) + '\n');
    process.stderr.write(`\n${errors.length} error${errors.length === 1 ? '' : 's'} in ${lessons.lessonsRoot()}\n`);
    return 1;
  }
  process.stdout.write(`${count} lessons in ${catalog.tracks.length} tracks: no errors\n`);
  return 0;
}

async function list(): Promise<number> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const lessons = require('../../../lib/lessons') as typeof import('../../../lib/lessons');
  const catalog = await lessons.loadCatalog();
  for (const track of catalog.tracks) {
    process.stdout.write(`${track.title.en} (${track.id})\n`);
    for (const l of track.lessons) {
      const state = l.errors.length ? `BROKEN (${l.errors.length} errors)` : `${l.exerciseCount} exercises`;
      process.stdout.write(`  ${String(l.order).padStart(2, '0')} ${l.key.padEnd(36)} ${String(l.duration).padStart(3)} min  ${l.difficulty.padEnd(12)} ${l.profile.padEnd(10)} ${l.languages.join(',').padEnd(6)} ${state}\n`);
    }
  }
  return 0;
}

export const group: CommandGroup = {
  name: 'lessons',
  summary: 'Validate and list lessons',
  async run(args) {
    const [sub] = args;
    if (sub === 'check') return check();
    if (sub === 'list') return list();
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    if (sub === 'test') return (require('./lessons-test') as typeof import('./lessons-test')).lessonsTest(args.slice(1));
    process.stdout.write(help);
    return sub === undefined || sub === '--help' || sub === '-h' ? 0 : 2;
  },
};
