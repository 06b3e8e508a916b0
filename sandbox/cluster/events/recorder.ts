// core/v1 Event recorder, like client-go's: an identical event (same object, type, reason,
// message, component) within the dedupe window bumps `count` and `lastTimestamp` instead of
// creating a new Event object.
import { REF } from '../api/registry';
import type { EventDetails, EventRecorder, EventType } from '../context';
import type { KubeObject, Store } from '../store/types';

const DEDUPE_WINDOW_MS = 10 * 60 * 1000;

function timestamp(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export class StoreEventRecorder implements EventRecorder {
  private readonly recent = new Map<string, { namespace: string; name: string; at: number }>();
  private seq = 0;

  constructor(
    private readonly store: Store,
    private readonly now: () => Date = () => new Date(),
    private readonly host?: string,
  ) {}

  record(involved: KubeObject, type: EventType, reason: string, message: string, component: string, details: EventDetails = {}): void {
    const meta = involved.metadata ?? {};
    const namespace = meta.namespace || 'default';
    const now = this.now();
    const host = details.host ?? this.host;
    const key = [meta.uid ?? `${namespace}/${meta.name}`, involved.kind, details.fieldPath ?? '', type, reason, message, component, host ?? ''].join('\u0000');
    try {
      const prev = this.recent.get(key);
      if (prev && now.getTime() - prev.at < DEDUPE_WINDOW_MS) {
        const updated = this.store.mutate(REF.events, prev.namespace, prev.name, (ev) => ({ ...ev, count: ((ev.count as number | undefined) ?? 1) + 1, lastTimestamp: timestamp(now) }));
        if (updated) {
          prev.at = now.getTime();
          return;
        }
      }
    } catch {
      // The previous event is gone (deleted or expired): record a fresh one below.
    }
    const name = `${meta.name ?? 'unknown'}.${(BigInt(now.getTime()) * 1000000n + BigInt(this.seq++ % 1000000)).toString(16)}`;
    const event: KubeObject = {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name, namespace },
      involvedObject: {
        kind: involved.kind,
        namespace: meta.namespace,
        name: meta.name,
        uid: meta.uid,
        apiVersion: involved.apiVersion,
        resourceVersion: meta.resourceVersion,
        ...(details.fieldPath ? { fieldPath: details.fieldPath } : {}),
      },
      reason,
      message,
      source: host ? { component, host } : { component },
      firstTimestamp: timestamp(now),
      lastTimestamp: timestamp(now),
      count: 1,
      type,
      eventTime: null,
      reportingComponent: component,
      reportingInstance: host ?? '',
    };
    try {
      this.store.create(REF.events, event);
      this.recent.set(key, { namespace, name, at: now.getTime() });
      if (this.recent.size > 5000) this.recent.delete(this.recent.keys().next().value as string);
    } catch (err) {
      // Events are best effort (the namespace may be terminating), never a reason to fail a controller.
      process.stderr.write(`events: could not record ${reason} for ${involved.kind}/${meta.name}: ${err instanceof Error ? err.message : String(err)}\n`);
    }
  }
}
