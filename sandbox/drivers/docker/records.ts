// What the driver remembers about each sandbox on the host (survives app restarts and is shared
// with the operator CLI): its owner and the "slot" (name of its volumes and network), which
// differs from the id when the sandbox came from the warm pool.
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { sandboxProfiles } from '../../driver';

const recordSchema = z.object({
  id: z.string(),
  userId: z.string(),
  profile: z.enum(sandboxProfiles),
  slot: z.string(),
  createdAt: z.number(),
  /** When the current run started and when it will be stopped (extendable). */
  startedAt: z.number().optional(),
  expiresAt: z.number().optional(),
});
export type SandboxRecord = z.infer<typeof recordSchema>;

export class RecordStore {
  constructor(private readonly dir: string) {
    mkdirSync(dir, { recursive: true });
  }

  private file(id: string): string {
    return path.join(this.dir, `${id}.json`);
  }

  get(id: string): SandboxRecord | undefined {
    const f = this.file(id);
    if (!existsSync(f)) return undefined;
    const parsed = recordSchema.safeParse(JSON.parse(readFileSync(f, 'utf8')));
    return parsed.success ? parsed.data : undefined;
  }

  put(record: SandboxRecord): void {
    const tmp = `${this.file(record.id)}.tmp`;
    writeFileSync(tmp, JSON.stringify(record));
    renameSync(tmp, this.file(record.id));
  }

  delete(id: string): void {
    rmSync(this.file(id), { force: true });
  }

  all(): SandboxRecord[] {
    return readdirSync(this.dir)
      .filter((f) => f.endsWith('.json'))
      .map((f) => this.get(f.slice(0, -5)))
      .filter((r): r is SandboxRecord => r !== undefined);
  }
}
