// Kubernetes checks. They read state only through KubeReader (the Kubernetes API), so they work
// unchanged against the mini-cluster and against a real cluster.
import { compare, describeComparator, formatValue } from '../comparator';
import { readPath } from '../jsonpath';
import { listNames, outcome, type Outcome } from '../outcome';
import type {
  Comparator,
  K8sAbsentCheck,
  K8sEndpointsCheck,
  K8sExistsCheck,
  K8sFieldCheck,
  K8sNodeUnschedulableCheck,
  K8sPodsRunningCheck,
  K8sReadyCheck,
  K8sRolloutCheck,
  K8sSpreadCheck,
} from '../schema';
import type { KubeObject, KubeReader } from '../targets';
import { isTerminating, podDisplayStatus, podIsReady } from './pod-status';

const nsOf = (c: { namespace?: string }) => c.namespace ?? 'default';
const nameOf = (o: KubeObject) => o.metadata?.name ?? '?';
const where = (c: { namespace?: string }) => ` in namespace ${nsOf(c)}`;

function subject(c: { kind: string; name?: string; selector?: string; namespace?: string }): string {
  return c.name ? `${c.kind} "${c.name}"${where(c)}` : `${c.kind} objects with labels ${c.selector}${where(c)}`;
}

export async function k8sExists(c: K8sExistsCheck, kube: KubeReader): Promise<Outcome> {
  if (c.name) {
    const obj = await kube.get(c.kind, c.name, nsOf(c), c.apiVersion);
    return outcome(Boolean(obj), `${subject(c)} to exist`, obj ? 'it exists' : 'it does not exist');
  }
  const items = await kube.list(c.kind, { namespace: nsOf(c), labelSelector: c.selector, apiVersion: c.apiVersion });
  const count: Comparator = c.count ?? { gte: 1 };
  return outcome(compare(items.length, count), `${describeComparator(count)} ${subject(c)}`, foundObjects(items));
}

export async function k8sAbsent(c: K8sAbsentCheck, kube: KubeReader): Promise<Outcome> {
  if (c.name) {
    const obj = await kube.get(c.kind, c.name, nsOf(c), c.apiVersion);
    const gone = !obj || Boolean(obj.metadata?.deletionTimestamp);
    return outcome(!obj, `${subject(c)} not to exist`, obj ? (gone ? 'it is still being deleted' : 'it still exists') : 'it does not exist');
  }
  const items = await kube.list(c.kind, { namespace: nsOf(c), labelSelector: c.selector, apiVersion: c.apiVersion });
  return outcome(items.length === 0, `no ${subject(c)}`, foundObjects(items));
}

export async function k8sField(c: K8sFieldCheck, kube: KubeReader): Promise<Outcome> {
  const objects = c.name
    ? [await kube.get(c.kind, c.name, nsOf(c), c.apiVersion)].filter((o): o is KubeObject => Boolean(o))
    : await kube.list(c.kind, { namespace: nsOf(c), labelSelector: c.selector, apiVersion: c.apiVersion });
  const wanted = c.expect !== undefined ? describeComparator(c.expect) : `a list of ${describeComparator(c.count!)} items`;
  const expected = `${c.path} of ${subject(c)} to be ${wanted}${c.selector ? (c.all ? ' (on every object)' : ' (on at least one object)') : ''}`;
  if (objects.length === 0) return outcome(false, expected, c.name ? `${c.kind} "${c.name}" does not exist` : 'no matching objects');

  const results = objects.map((obj) => {
    const value = readPath(obj, c.path);
    const ok = c.expect !== undefined ? compare(value, c.expect) : compare(Array.isArray(value) ? value.length : 0, c.count!);
    const shown = c.expect !== undefined ? formatValue(value) : `${Array.isArray(value) ? value.length : 0} items`;
    return { name: nameOf(obj), ok, shown };
  });
  const passed = c.all ? results.every((r) => r.ok) : results.some((r) => r.ok);
  const found = c.name ? results[0].shown : listNames(results.map((r) => `${r.name}: ${r.shown}`));
  return outcome(passed, expected, found);
}

export async function k8sReady(c: K8sReadyCheck, kube: KubeReader): Promise<Outcome> {
  const obj = await kube.get(c.kind, c.name, nsOf(c));
  const label = `${c.kind} "${c.name}"`;
  if (!obj) return outcome(false, `${c.replicas !== undefined ? describeComparator(c.replicas) + ' ' : ''}ready replicas of ${label}${where(c)}`, `${label} does not exist`);
  const status = obj.status ?? {};
  const desired = c.kind === 'DaemonSet' ? num(status.desiredNumberScheduled) : num(obj.spec?.replicas ?? 1);
  const ready = c.kind === 'DaemonSet' ? num(status.numberReady) : num(status.readyReplicas);
  const wanted: Comparator = c.replicas ?? desired;
  const passed = compare(ready, wanted) && (c.replicas !== undefined || desired > 0);
  let found = `${ready} ready`;
  if (!passed) {
    const problems = await unreadyPods(kube, obj, nsOf(c));
    if (problems) found += `; ${problems}`;
  }
  return outcome(passed, `${describeComparator(wanted)} ready replicas of ${label}${where(c)}`, found);
}

export async function k8sPodsRunning(c: K8sPodsRunningCheck, kube: KubeReader): Promise<Outcome> {
  const pods = (await kube.list('Pod', { namespace: nsOf(c), labelSelector: c.selector })).filter((p) => !isTerminating(p));
  const count: Comparator = c.count ?? { gte: 1 };
  const notRunning = pods.filter((p) => !(p.status?.phase === 'Running' && podIsReady(p)));
  const passed = notRunning.length === 0 && compare(pods.length, count);
  const expected = `${describeComparator(count)} pods with labels ${c.selector}${where(c)}, all Running and Ready`;
  let found = `${pods.length} pods`;
  if (notRunning.length > 0) found += `; ${describePods(notRunning)}`;
  return outcome(passed, expected, found);
}

export async function k8sNodeUnschedulable(c: K8sNodeUnschedulableCheck, kube: KubeReader): Promise<Outcome> {
  const node = await kube.get('Node', c.name);
  const want = c.expect ?? true;
  const expected = `node ${c.name} to be ${want ? 'unschedulable (cordoned)' : 'schedulable'}`;
  if (!node) return outcome(false, expected, `node ${c.name} does not exist`);
  const actual = node.spec?.unschedulable === true;
  return outcome(actual === want, expected, actual ? 'it is unschedulable (SchedulingDisabled)' : 'it is schedulable');
}

export async function k8sRollout(c: K8sRolloutCheck, kube: KubeReader): Promise<Outcome> {
  const deploy = await kube.get('Deployment', c.name, nsOf(c));
  const parts: string[] = [];
  if (c.revisions !== undefined) parts.push(`${describeComparator(c.revisions)} revisions`);
  if (c.image !== undefined) parts.push(`image ${describeComparator(c.image)}`);
  const expected = `Deployment "${c.name}"${where(c)} with ${parts.join(' and ')}`;
  if (!deploy) return outcome(false, expected, `Deployment "${c.name}" does not exist`);

  const found: string[] = [];
  let passed = true;
  if (c.revisions !== undefined) {
    const owned = (await kube.list('ReplicaSet', { namespace: nsOf(c) })).filter((rs) => rs.metadata?.ownerReferences?.some((o) => o.uid === deploy.metadata?.uid));
    passed &&= compare(owned.length, c.revisions);
    found.push(`${owned.length} revisions`);
  }
  if (c.image !== undefined) {
    const containers = (readPath(deploy, 'spec.template.spec.containers') as { name: string; image: string }[] | undefined) ?? [];
    const container = c.container ? containers.find((x) => x.name === c.container) : containers[0];
    passed &&= container !== undefined && compare(container.image, c.image);
    found.push(container ? `image ${formatValue(container.image)}` : `no container ${c.container ?? ''}`.trim());
  }
  return outcome(passed, expected, found.join(', '));
}

export async function k8sSpread(c: K8sSpreadCheck, kube: KubeReader): Promise<Outcome> {
  const pods = (await kube.list('Pod', { namespace: nsOf(c), labelSelector: c.selector })).filter((p) => !isTerminating(p) && p.status?.phase === 'Running');
  const nodes = [...new Set(pods.map((p) => String(p.spec?.nodeName ?? '')).filter(Boolean))].sort();
  return outcome(
    compare(nodes.length, c.nodes),
    `running pods with labels ${c.selector}${where(c)} on ${describeComparator(c.nodes)} nodes`,
    nodes.length ? `${pods.length} running pods on ${nodes.length} nodes (${nodes.join(', ')})` : 'no running pods',
  );
}

export async function k8sEndpoints(c: K8sEndpointsCheck, kube: KubeReader): Promise<Outcome> {
  const expected = `Service "${c.service}"${where(c)} to select ${describeComparator(c.ready)} ready endpoints`;
  const service = await kube.get('Service', c.service, nsOf(c));
  if (!service) return outcome(false, expected, `Service "${c.service}" does not exist`);
  const endpoints = await kube.get('Endpoints', c.service, nsOf(c));
  const subsets = (endpoints?.subsets as { addresses?: { ip: string }[] }[] | undefined) ?? [];
  const ready = subsets.reduce((n, s) => n + (s.addresses?.length ?? 0), 0);
  const selector = service.spec?.selector as Record<string, string> | undefined;
  const hint = selector ? `selector ${Object.entries(selector).map(([k, v]) => `${k}=${v}`).join(',')}` : 'no selector';
  return outcome(compare(ready, c.ready), expected, `${ready} ready endpoints (${hint})`);
}

async function unreadyPods(kube: KubeReader, owner: KubeObject, namespace: string): Promise<string> {
  const matchLabels = readPath(owner, 'spec.selector.matchLabels') as Record<string, string> | undefined;
  if (!matchLabels) return '';
  const selector = Object.entries(matchLabels).map(([k, v]) => `${k}=${v}`).join(',');
  const pods = (await kube.list('Pod', { namespace, labelSelector: selector })).filter((p) => !isTerminating(p) && !podIsReady(p));
  return pods.length ? describePods(pods) : '';
}

/** `pods web-1, web-2 are ImagePullBackOff; pod web-3 is Pending` */
function describePods(pods: KubeObject[]): string {
  const byStatus = new Map<string, string[]>();
  for (const p of pods) {
    const s = podDisplayStatus(p);
    byStatus.set(s, [...(byStatus.get(s) ?? []), nameOf(p)]);
  }
  return [...byStatus.entries()].map(([s, names]) => (names.length === 1 ? `pod ${names[0]} is ${s}` : `pods ${listNames(names)} are ${s}`)).join('; ');
}

function foundObjects(items: KubeObject[]): string {
  return items.length === 0 ? 'none' : `${items.length} (${listNames(items.map(nameOf))})`;
}

function num(v: unknown): number {
  return typeof v === 'number' ? v : Number(v ?? 0) || 0;
}
