// Within one grading, several checks read the same objects (exists, field and ready all get the
// Deployment; ready, podsRunning and spread list its pods). Sharing reads for a short window cuts
// API round trips without hiding changes: the window is shorter than the engine's poll interval,
// so a check waiting for eventual state still sees fresh data on every poll.
import type { KubeReader } from '../targets';

export function shareReads(kube: KubeReader, windowMs = 150): KubeReader {
  const cache = new Map<string, { at: number; value: Promise<unknown> }>();
  function shared<T>(key: string, load: () => Promise<T>): Promise<T> {
    const now = Date.now();
    const hit = cache.get(key);
    if (hit && now - hit.at < windowMs) return hit.value as Promise<T>;
    const value = load();
    cache.set(key, { at: now, value });
    // A failed read is not shared: the next check (or poll) tries again.
    value.catch(() => cache.delete(key));
    return value;
  }
  return {
    get: (kind, name, namespace, apiVersion) => shared(JSON.stringify(['get', kind, name, namespace, apiVersion]), () => kube.get(kind, name, namespace, apiVersion)),
    list: (kind, opts) => shared(JSON.stringify(['list', kind, opts.namespace, opts.labelSelector, opts.fieldSelector, opts.apiVersion]), () => kube.list(kind, opts)),
  };
}
