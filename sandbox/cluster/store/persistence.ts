// Keeps a MemoryStore in a data directory so a restarted cluster keeps its objects: a JSON
// snapshot written atomically (temp file + rename), debounced after commits, flushed on stop.
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import * as z from 'zod/mini';
import '../apiserver/zod-messages';
import type { MemoryStore, StoreSnapshot } from './memory-store';

export const SNAPSHOT_FILE = 'cluster-state.json';

const snapshotSchema = z.object({
  version: z.literal(1),
  resourceVersion: z.int().check(z.nonnegative()),
  resources: z.record(z.string(), z.array(z.looseObject({ apiVersion: z.string(), kind: z.string(), metadata: z.looseObject({ name: z.string() }) }))),
});

export function loadSnapshot(dataDir: string): StoreSnapshot | undefined {
  const file = path.join(dataDir, SNAPSHOT_FILE);
  if (!existsSync(file)) return undefined;
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new Error(`${file}: not valid JSON (${err instanceof Error ? err.message : String(err)})`);
  }
  const parsed = snapshotSchema.safeParse(raw);
  if (!parsed.success) throw new Error(`${file}: not a cluster snapshot: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  return parsed.data as unknown as StoreSnapshot;
}

export function writeSnapshot(dataDir: string, snap: StoreSnapshot): void {
  mkdirSync(dataDir, { recursive: true });
  const file = path.join(dataDir, SNAPSHOT_FILE);
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify({ version: 1, ...snap }));
  renameSync(tmp, file);
}

export interface Persistence {
  /** Writes any pending changes now. */
  flush(): void;
  /** Flushes and stops reacting to commits. */
  close(): void;
}

/** Loads the snapshot into `store` (if any) and saves it again `debounceMs` after each burst of commits. */
export function attachPersistence(store: MemoryStore, dataDir: string, debounceMs = 250): Persistence {
  const snap = loadSnapshot(dataDir);
  if (snap) store.restore(snap);
  let timer: NodeJS.Timeout | undefined;
  let dirty = false;
  let closed = false;
  const flush = () => {
    if (timer) clearTimeout(timer);
    timer = undefined;
    if (!dirty) return;
    dirty = false;
    writeSnapshot(dataDir, store.snapshot());
  };
  store.onCommit = () => {
    if (closed) return;
    dirty = true;
    if (!timer) {
      timer = setTimeout(() => {
        try {
          flush();
        } catch (err) {
          process.stderr.write(`cluster: could not save ${dataDir}: ${err instanceof Error ? err.message : String(err)}\n`);
        }
      }, debounceMs);
      timer.unref();
    }
  };
  return {
    flush,
    close() {
      flush();
      closed = true;
      store.onCommit = undefined;
    },
  };
}
