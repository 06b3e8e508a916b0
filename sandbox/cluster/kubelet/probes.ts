// Probe scheduling like the kubelet's prober workers: initial delay, period, timeout, success
// and failure thresholds. Each attempt is delegated to the runtime; results are reported as
// per-attempt outcomes plus threshold transitions.
import type { ProbeHandler, ProbeResult } from './runtime';
import type { ContainerSpec } from './pod-worker';
import { scaled } from './time';

export type ProbeKind = 'Liveness' | 'Readiness' | 'Startup';

export interface ProbeSpec extends ProbeHandler {
  initialDelaySeconds?: number;
  periodSeconds?: number;
  timeoutSeconds?: number;
  successThreshold?: number;
  failureThreshold?: number;
  terminationGracePeriodSeconds?: number;
}

/** Smallest probe period when timeScale shrinks time (keeps tests fast without spinning). */
const MIN_PERIOD_MS = 20;

export interface ProbeRunnerOptions {
  kind: ProbeKind;
  probe: ProbeSpec;
  container: ContainerSpec;
  timeScale: number;
  run(handler: ProbeHandler, timeoutSeconds: number): Promise<ProbeResult>;
  /**
   * `failure`/`success`: one attempt that did not change the verdict; `failed`/`succeeded`: the
   * threshold was crossed (the verdict changed).
   */
  onResult(transition: 'failed' | 'succeeded' | 'failure' | 'success', output: string): void;
}

/** Resolves a named port (`http`) against the container's ports. */
export function resolvePort(port: number | string | undefined, container: ContainerSpec): number {
  if (typeof port === 'number') return port;
  if (port === undefined) return 0;
  if (/^\d+$/.test(port)) return Number(port);
  return container.ports?.find((p) => p.name === port)?.containerPort ?? 0;
}

export class ProbeRunner {
  readonly kind: ProbeKind;
  onSuccess?: () => void;
  private timer?: NodeJS.Timeout;
  private stopped = false;
  private successes = 0;
  private failures = 0;
  private verdict: boolean | undefined;

  constructor(private readonly o: ProbeRunnerOptions) {
    this.kind = o.kind;
  }

  start(): void {
    const delay = scaled((this.o.probe.initialDelaySeconds ?? 0) * 1000, this.o.timeScale);
    this.timer = setTimeout(() => void this.tick(), delay);
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
  }

  private handler(): ProbeHandler {
    const p = this.o.probe;
    const c = this.o.container;
    if (p.httpGet) return { httpGet: { ...p.httpGet, port: resolvePort(p.httpGet.port, c) } };
    if (p.tcpSocket) return { tcpSocket: { ...p.tcpSocket, port: resolvePort(p.tcpSocket.port, c) } };
    if (p.grpc) return { grpc: p.grpc };
    return { exec: p.exec };
  }

  private async tick(): Promise<void> {
    if (this.stopped) return;
    const p = this.o.probe;
    let result: ProbeResult;
    try {
      result = await this.o.run(this.handler(), p.timeoutSeconds ?? 1);
    } catch (err) {
      result = { result: 'failure', output: (err as Error).message };
    }
    if (this.stopped) return;
    if (result.result === 'success') {
      this.failures = 0;
      this.successes++;
      const threshold = this.o.kind === 'Readiness' ? p.successThreshold ?? 1 : 1;
      if (this.successes >= threshold && this.verdict !== true) {
        this.verdict = true;
        this.o.onResult('succeeded', result.output);
        this.onSuccess?.();
      } else this.o.onResult('success', result.output);
    } else {
      this.successes = 0;
      this.failures++;
      const output = result.output.trim();
      if (this.failures >= (p.failureThreshold ?? 3) && this.verdict !== false) {
        this.verdict = false;
        this.o.onResult('failure', output);
        this.o.onResult('failed', output);
        if (this.o.kind !== 'Readiness') return;
      } else this.o.onResult('failure', output);
    }
    if (this.stopped) return;
    const period = scaled((p.periodSeconds ?? 10) * 1000, this.o.timeScale, MIN_PERIOD_MS);
    this.timer = setTimeout(() => void this.tick(), period);
  }
}
