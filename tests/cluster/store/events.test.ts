import { expireEvents } from '@/sandbox/cluster/events/event-ttl';
import { StoreEventRecorder } from '@/sandbox/cluster/events/recorder';
import type { ClusterContext } from '@/sandbox/cluster/context';
import { AdmissionChain } from '@/sandbox/cluster/events/admission';
import { MemoryStore } from '@/sandbox/cluster/store';
import type { KubeObject } from '@/sandbox/cluster/store/types';

const events = { group: '', resource: 'events' };

describe('event recorder', () => {
  it('dedupes identical events into count/lastTimestamp and expires old ones', () => {
    let now = new Date('2026-01-01T00:00:00Z');
    const store = new MemoryStore({ now: () => now });
    const recorder = new StoreEventRecorder(store, () => now, 'w1-k8s');
    const pod: KubeObject = store.create({ group: '', resource: 'pods' }, { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'default' }, spec: { containers: [] } });
    recorder.record(pod, 'Warning', 'BackOff', 'Back-off restarting failed container', 'kubelet');
    now = new Date('2026-01-01T00:00:30Z');
    recorder.record(pod, 'Warning', 'BackOff', 'Back-off restarting failed container', 'kubelet');
    now = new Date('2026-01-01T00:10:00Z');
    recorder.record(pod, 'Normal', 'Pulled', 'Container image "nginx" already present on machine', 'kubelet');
    const list = store.list(events).items;
    expect(list).toHaveLength(2);
    const backoff = list.find((e) => e.reason === 'BackOff')!;
    expect(backoff).toMatchObject({ count: 2, firstTimestamp: '2026-01-01T00:00:00Z', lastTimestamp: '2026-01-01T00:00:30Z', type: 'Warning', source: { component: 'kubelet', host: 'w1-k8s' }, involvedObject: { kind: 'Pod', name: 'p', namespace: 'default', uid: pod.metadata.uid } });
    expect(backoff.metadata.name).toMatch(/^p\.[0-9a-f]+$/);

    const admission = new AdmissionChain();
    const ctx = { store, events: recorder, admission, options: {} as ClusterContext['options'], now: () => now } as ClusterContext;
    now = new Date('2026-01-01T01:05:00Z');
    expect(expireEvents(ctx)).toBe(1);
    expect(store.list(events).items.map((e) => e.reason)).toEqual(['Pulled']);
  });
});
