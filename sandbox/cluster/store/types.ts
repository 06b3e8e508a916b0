// The contract between the object store and everything that reads or writes cluster state
// (API server, controllers, scheduler, kubelets). Mirrors the shape of Kubernetes' storage
// layer: every write bumps a cluster-wide resourceVersion and is delivered to watchers in order.

export interface OwnerReference {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  controller?: boolean;
  blockOwnerDeletion?: boolean;
}

export interface ObjectMeta {
  name?: string;
  generateName?: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  deletionGracePeriodSeconds?: number;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: OwnerReference[];
  finalizers?: string[];
  managedFields?: unknown[];
  [key: string]: unknown;
}

/** Any Kubernetes object as JSON. Typed views live in `kubernetes-models` / `@kubernetes/client-node`. */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta;
  [key: string]: unknown;
}

/** Identifies a resource type, e.g. `{ group: 'apps', resource: 'deployments' }` (core group is ''). */
export interface ResourceRef {
  group: string;
  resource: string;
}

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK';

export interface WatchEvent<T extends KubeObject = KubeObject> {
  type: WatchEventType;
  object: T;
}

export interface ListOptions {
  /** Omit for all namespaces (or for cluster-scoped resources). */
  namespace?: string;
  /** Kubernetes label selector syntax, e.g. `app=web,tier in (fe,be),!canary`. */
  labelSelector?: string;
  /** Kubernetes field selector syntax, e.g. `spec.nodeName=w1-k8s,status.phase!=Running`. */
  fieldSelector?: string;
}

export interface WatchOptions extends ListOptions {
  /** Start after this resourceVersion. Omitted or '0': start with synthetic ADDED events for current state. */
  resourceVersion?: string;
  /** Send BOOKMARK events (the API server decides the cadence). */
  allowWatchBookmarks?: boolean;
  /** `sendInitialEvents=true`: ADDED for current state, then a BOOKMARK annotated `k8s.io/initial-events-end: "true"`. */
  sendInitialEvents?: boolean;
}

export interface DeleteOptions {
  propagationPolicy?: 'Background' | 'Foreground' | 'Orphan';
  gracePeriodSeconds?: number;
  /** Precondition: only delete if the uid / resourceVersion still match. */
  preconditions?: { uid?: string; resourceVersion?: string };
}

export interface UpdateOptions {
  /** Write only the `status` subresource (spec changes in the body are ignored) or only the main object (status ignored). */
  subresource?: 'status';
}

export interface Watch {
  /** Stop delivering events and release resources. Idempotent. */
  stop(): void;
}

/**
 * The object store. All methods are synchronous except watch delivery, which happens
 * asynchronously in commit order. Errors are thrown as `StatusError` (see ../api/errors.ts)
 * carrying a Kubernetes `Status` (NotFound 404, AlreadyExists 409, Conflict 409 on stale
 * resourceVersion, Invalid 422).
 *
 * The store owns metadata bookkeeping: uid, creationTimestamp, resourceVersion, generation
 * (bumped when anything but metadata/status changes), generateName expansion, and deletion
 * semantics (finalizers set deletionTimestamp instead of removing the object; removing the last
 * finalizer from an object with deletionTimestamp removes it).
 */
export interface Store {
  get(ref: ResourceRef, namespace: string | undefined, name: string): KubeObject | undefined;
  list(ref: ResourceRef, opts?: ListOptions): { items: KubeObject[]; resourceVersion: string };
  /**
   * `list` without the copies, for hot read-only paths (the scheduler reads every pod for every
   * placement; copying them made 1,000 pods take half a minute). The items are the store's own
   * objects, shared like an informer's cache: writes replace stored objects and never change them
   * in place, so a result stays a consistent snapshot, and callers must never modify it.
   */
  listShared(ref: ResourceRef, opts?: ListOptions): { items: readonly KubeObject[]; resourceVersion: string };
  create(ref: ResourceRef, obj: KubeObject): KubeObject;
  /** Replaces the object. If `obj.metadata.resourceVersion` is set and stale, throws Conflict. */
  update(ref: ResourceRef, obj: KubeObject, opts?: UpdateOptions): KubeObject;
  /**
   * Read-modify-write helper for controllers: reads the latest object, applies `mutate`, writes it,
   * retrying on conflict. `mutate` returns the new object, or undefined to skip the write.
   */
  mutate(ref: ResourceRef, namespace: string | undefined, name: string, mutate: (current: KubeObject) => KubeObject | undefined, opts?: UpdateOptions): KubeObject | undefined;
  delete(ref: ResourceRef, namespace: string | undefined, name: string, opts?: DeleteOptions): KubeObject;
  watch(ref: ResourceRef, opts: WatchOptions, onEvent: (event: WatchEvent) => void): Watch;
  /** The current cluster-wide resourceVersion. */
  currentResourceVersion(): string;
}
