// The contract every sandbox driver implements (local shell today; Docker containers next;
// Kubernetes pods for large installs). The platform only talks to sandboxes through it.
import { z } from 'zod';

export const sandboxProfiles = ['none', 'docker', 'kubernetes', 'full'] as const;
export type SandboxProfileName = (typeof sandboxProfiles)[number];

export const sandboxSpecSchema = z.strictObject({
  /** Stable id, derived from the owner: one sandbox per learner. */
  id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'a lowercase id of letters, digits and dashes'),
  userId: z.string().min(1),
  profile: z.enum(sandboxProfiles),
  /** Shell commands run once when the sandbox is created (lesson setup). */
  setup: z.array(z.string()).default([]),
});
export type SandboxSpec = z.input<typeof sandboxSpecSchema>;

export type SandboxState = 'starting' | 'running' | 'stopped' | 'missing' | 'failed';

export interface SandboxInfo {
  id: string;
  userId: string;
  profile: SandboxProfileName;
  state: SandboxState;
  createdAt: Date;
  /** Human-readable detail, e.g. why it failed or which facilities it has. */
  message?: string;
  /** Where the grader reaches the sandbox's Kubernetes API, when it has a cluster. */
  kubeconfigPath?: string;
  /** Where the grader reaches the sandbox's Docker daemon, when it has one. */
  dockerHost?: string;
  /** When the current run started (drivers that know it). */
  startedAt?: Date;
  /** When the driver stops the current run on its own (its maximum lifetime, see `extend`); absent when there is no limit. */
  expiresAt?: Date;
  /** How long before `expiresAt` the learner is warned. */
  expiryWarningMs?: number;
  /** When the run stops for inactivity unless the learner does something (filled in by SandboxManager). */
  idleStopsAt?: Date;
  /** Disk used by the sandbox's kept data against its limit, as last measured (drivers that enforce one). */
  disk?: { usedBytes: number; limitBytes: number; measuredAt: Date };
}

export interface PtyStream {
  onData(listener: (data: string) => void): () => void;
  onExit(listener: (exitCode: number) => void): () => void;
  write(data: string): void;
  resize(cols: number, rows: number): void;
  /** The shell's process id (for diagnostics and tests). */
  readonly pid: number;
  dispose(): void;
}

export interface ExecResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

export interface SandboxDriver {
  readonly name: string;
  create(spec: SandboxSpec): Promise<SandboxInfo>;
  /** Opens an interactive shell (a PTY) in the sandbox. */
  attach(id: string, size: { cols: number; rows: number }): Promise<PtyStream>;
  /** Runs a non-interactive shell command as the learner (used by the grader and self-tests). */
  exec(id: string, command: string, opts?: { timeoutMs?: number }): Promise<ExecResult>;
  stop(id: string): Promise<void>;
  status(id: string): Promise<SandboxInfo | undefined>;
  list(): Promise<SandboxInfo[]>;
  /** Pushes `expiresAt` back by `ms`; returns the new expiry. Only drivers with a lifetime limit have it. */
  extend?(id: string, ms: number): Promise<Date>;
  /** Stops the sandbox and discards the work it keeps between starts. Only drivers that keep work have it. */
  reset?(id: string): Promise<void>;
}

export class SandboxError extends Error {
  constructor(
    readonly code: 'not_found' | 'unavailable' | 'invalid' | 'busy',
    message: string,
  ) {
    super(message);
    this.name = 'SandboxError';
  }
}
