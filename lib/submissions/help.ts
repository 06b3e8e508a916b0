// Hints (revealed one at a time) and the solution reveal, recorded per learner and exercise.
import type { Db } from '../db';

export interface HelpState {
  hintsRevealed: number;
  solutionRevealed: boolean;
}

type Key = { userId: string; lessonKey: string; exerciseId: string };

/** Records that the learner opened the exercise (the start of "time spent"). */
export async function touchExercise(db: Db, key: Key): Promise<void> {
  await db.exerciseHelp.upsert({ where: { userId_lessonKey_exerciseId: key }, create: key, update: {} });
}

/** Reveals the next hint (never beyond `hintCount`); returns the new state. */
export async function revealHint(db: Db, key: Key, hintCount: number): Promise<HelpState> {
  const current = await db.exerciseHelp.findUnique({ where: { userId_lessonKey_exerciseId: key } });
  const next = Math.min((current?.hintsRevealed ?? 0) + 1, hintCount);
  const row = await db.exerciseHelp.upsert({
    where: { userId_lessonKey_exerciseId: key },
    create: { ...key, hintsRevealed: next },
    update: { hintsRevealed: next },
  });
  return { hintsRevealed: row.hintsRevealed, solutionRevealed: row.solutionRevealed };
}

export async function revealSolution(db: Db, key: Key): Promise<HelpState> {
  const now = new Date();
  const current = await db.exerciseHelp.findUnique({ where: { userId_lessonKey_exerciseId: key } });
  const row = await db.exerciseHelp.upsert({
    where: { userId_lessonKey_exerciseId: key },
    create: { ...key, solutionRevealed: true, solutionAt: now },
    update: current?.solutionRevealed ? {} : { solutionRevealed: true, solutionAt: now },
  });
  return { hintsRevealed: row.hintsRevealed, solutionRevealed: row.solutionRevealed };
}
