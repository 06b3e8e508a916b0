// The contract between the API server's streaming subresources (pods/log, pods/exec,
// pods/portforward) and the kubelets that own the containers. The API server speaks the wire
// protocols (chunked logs, v5.channel.k8s.io, portforward.k8s.io); the kubelet answers with
// plain Node streams from whichever container runtime runs the pod.
import type { Duplex, Readable, Writable } from 'node:stream';

export interface LogOptions {
  container?: string;
  follow?: boolean;
  previous?: boolean;
  tailLines?: number;
  sinceSeconds?: number;
  timestamps?: boolean;
  limitBytes?: number;
}

export interface ExecOptions {
  container?: string;
  command: string[];
  tty: boolean;
  stdin: boolean;
}

export interface ExecSession {
  /** Present when `stdin` was requested. */
  stdin?: Writable;
  stdout: Readable;
  /** Absent with a TTY (stderr is merged into stdout, as in Kubernetes). */
  stderr?: Readable;
  resize(cols: number, rows: number): void;
  /** Resolves when the process ends; a non-zero exit code becomes a NonZeroExitCode status on channel 3. */
  exit: Promise<{ exitCode: number; message?: string }>;
}

/**
 * Implemented by the kubelets (routed to the node the pod is bound to). Every method throws a
 * StatusError (../api/errors.ts) for a missing pod/container (404) or a pod that cannot serve the
 * request (400, e.g. "container web is not running" or an honest "pods on the simulated runtime
 * have no processes; use a sandbox with the full profile").
 */
export interface PodIO {
  logs(namespace: string, pod: string, opts: LogOptions): Promise<Readable>;
  exec(namespace: string, pod: string, opts: ExecOptions): Promise<ExecSession>;
  portForward(namespace: string, pod: string, port: number): Promise<Duplex>;
}
