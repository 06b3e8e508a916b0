// The PersistentVolume controller: a default StorageClass `standard`, the DefaultStorageClass
// admission plugin, static binding of claims to the smallest fitting Available volume, dynamic
// provisioning for claims of a class with a provisioner, and reclaiming (Released → Delete or
// Retain) when a claim goes away.
import type { AdmissionOperation, ClusterContext } from '../context';
import { parseQuantity } from '../scheduler/quantity';
import type { KubeObject, Watch } from '../store/types';
import { R, timestamp } from './util/meta';
import { selectorMatches, type LabelSelector } from './util/selector';
import { objectKey, splitKey, WorkQueue } from './util/workqueue';

const COMPONENT = 'persistentvolume-controller';
export const DEFAULT_CLASS = 'standard';
export const PROVISIONER = 'kubelab.io/hostpath';
const DEFAULT_CLASS_ANNOTATION = 'storageclass.kubernetes.io/is-default-class';
type Spec = Record<string, any>;

export function defaultStorageClass(ctx: ClusterContext): KubeObject | undefined {
  const classes = ctx.store.list(R.storageClasses).items.filter((sc) => sc.metadata.annotations?.[DEFAULT_CLASS_ANNOTATION] === 'true' || sc.metadata.annotations?.['storageclass.beta.kubernetes.io/is-default-class'] === 'true');
  // Upstream picks the newest default class when several are marked.
  return classes.sort((a, b) => String(b.metadata.creationTimestamp).localeCompare(String(a.metadata.creationTimestamp)))[0];
}

/** DefaultStorageClass admission: claims without storageClassName get the default class. */
export function admitClaim(op: AdmissionOperation, obj: KubeObject, _old: KubeObject | undefined, ctx: ClusterContext): KubeObject {
  if (op !== 'CREATE') return obj;
  const spec = ((obj.spec ??= {}) as Spec);
  if (spec.storageClassName === undefined || spec.storageClassName === null) {
    const def = defaultStorageClass(ctx);
    if (def) spec.storageClassName = def.metadata.name;
  }
  return obj;
}

function requestBytes(pvc: KubeObject): number {
  try {
    return parseQuantity((pvc.spec as Spec)?.resources?.requests?.storage ?? 0);
  } catch {
    return 0;
  }
}

function capacityBytes(pv: KubeObject): number {
  try {
    return parseQuantity((pv.spec as Spec)?.capacity?.storage ?? 0);
  } catch {
    return 0;
  }
}

function className(obj: KubeObject): string {
  return ((obj.spec as Spec)?.storageClassName as string | undefined) ?? '';
}

function volumeFits(pv: KubeObject, pvc: KubeObject): boolean {
  const pvSpec = (pv.spec ?? {}) as Spec;
  const pvcSpec = (pvc.spec ?? {}) as Spec;
  if (className(pv) !== className(pvc)) return false;
  if ((pvSpec.volumeMode ?? 'Filesystem') !== (pvcSpec.volumeMode ?? 'Filesystem')) return false;
  const modes = (pvSpec.accessModes ?? []) as string[];
  if (!((pvcSpec.accessModes ?? []) as string[]).every((m) => modes.includes(m))) return false;
  if (capacityBytes(pv) < requestBytes(pvc)) return false;
  if (pvcSpec.selector && !selectorMatches(pvcSpec.selector as LabelSelector, pv.metadata.labels)) return false;
  return true;
}

export class VolumeController {
  private readonly queue: WorkQueue;
  private watches: Watch[] = [];

  constructor(private readonly ctx: ClusterContext) {
    this.queue = new WorkQueue((key) => this.process(key), { onError: (key, err) => process.stderr.write(`${COMPONENT}: ${key}: ${err instanceof Error ? err.message : String(err)}\n`) });
  }

  start(): void {
    this.ensureDefaultClass();
    const { store } = this.ctx;
    this.watches.push(
      store.watch(R.persistentVolumeClaims, {}, (ev) => {
        const key = objectKey(ev.object.metadata.namespace, ev.object.metadata.name!);
        if (ev.type === 'DELETED') {
          const pv = (ev.object.spec as Spec)?.volumeName;
          if (pv) this.queue.add(`pv:${pv}`);
          for (const v of this.boundTo(ev.object)) this.queue.add(`pv:${v.metadata.name}`);
          return;
        }
        this.queue.add(`pvc:${key}`);
      }),
      store.watch(R.persistentVolumes, {}, (ev) => {
        if (ev.type === 'DELETED') return;
        this.queue.add(`pv:${ev.object.metadata.name}`);
        // A new or released volume may satisfy a pending claim.
        for (const pvc of store.list(R.persistentVolumeClaims).items) {
          if ((pvc.status as Spec)?.phase !== 'Bound') this.queue.add(`pvc:${objectKey(pvc.metadata.namespace, pvc.metadata.name!)}`);
        }
      }),
    );
  }

  stop(): void {
    for (const w of this.watches) w.stop();
    this.watches = [];
    this.queue.stop();
  }

  private ensureDefaultClass(): void {
    if (this.ctx.store.get(R.storageClasses, undefined, DEFAULT_CLASS) || defaultStorageClass(this.ctx)) return;
    try {
      this.ctx.store.create(R.storageClasses, {
        apiVersion: 'storage.k8s.io/v1',
        kind: 'StorageClass',
        metadata: { name: DEFAULT_CLASS, annotations: { [DEFAULT_CLASS_ANNOTATION]: 'true' } },
        provisioner: PROVISIONER,
        reclaimPolicy: 'Delete',
        volumeBindingMode: 'Immediate',
        allowVolumeExpansion: true,
      });
    } catch {
      /* created concurrently */
    }
  }

  private boundTo(pvc: KubeObject): KubeObject[] {
    return this.ctx.store.list(R.persistentVolumes).items.filter((pv) => (pv.spec as Spec)?.claimRef?.uid === pvc.metadata.uid);
  }

  private process(key: string): void {
    if (key.startsWith('pv:')) this.syncVolume(key.slice(3));
    else this.syncClaim(key.slice(4));
  }

  private setPhase(ref: typeof R.persistentVolumes, namespace: string | undefined, name: string, patch: Spec): void {
    this.ctx.store.mutate(ref, namespace, name, (cur) => {
      const status = { ...((cur.status as Spec) ?? {}), ...patch };
      for (const k of Object.keys(status)) if (status[k] === undefined) delete status[k];
      if (JSON.stringify(status) === JSON.stringify(cur.status ?? {})) return undefined;
      return { ...cur, status };
    }, { subresource: 'status' });
  }

  private syncVolume(name: string): void {
    const { store } = this.ctx;
    const pv = store.get(R.persistentVolumes, undefined, name);
    if (!pv || pv.metadata.deletionTimestamp) return;
    const claimRef = (pv.spec as Spec)?.claimRef as Spec | undefined;
    if (!claimRef) {
      if ((pv.status as Spec)?.phase !== 'Available') this.setPhase(R.persistentVolumes, undefined, name, { phase: 'Available', lastPhaseTransitionTime: timestamp(this.ctx.now()) });
      return;
    }
    const claim = store.get(R.persistentVolumeClaims, claimRef.namespace, claimRef.name);
    if (claim && (!claimRef.uid || claim.metadata.uid === claimRef.uid)) {
      if ((pv.status as Spec)?.phase !== 'Bound') this.setPhase(R.persistentVolumes, undefined, name, { phase: 'Bound', lastPhaseTransitionTime: timestamp(this.ctx.now()) });
      return;
    }
    if (!claimRef.uid) return; // pre-bound to a claim that does not exist yet
    // The claim is gone: release, then reclaim.
    const policy = (pv.spec as Spec)?.persistentVolumeReclaimPolicy ?? 'Retain';
    if (policy === 'Delete') {
      try {
        store.delete(R.persistentVolumes, undefined, name);
      } catch {
        /* gone */
      }
      return;
    }
    if ((pv.status as Spec)?.phase !== 'Released') this.setPhase(R.persistentVolumes, undefined, name, { phase: 'Released', lastPhaseTransitionTime: timestamp(this.ctx.now()) });
  }

  private syncClaim(key: string): void {
    const { namespace, name } = splitKey(key);
    const { store } = this.ctx;
    const pvc = store.get(R.persistentVolumeClaims, namespace, name);
    if (!pvc || pvc.metadata.deletionTimestamp) return;
    const spec = (pvc.spec ?? {}) as Spec;
    if (spec.volumeName) {
      const pv = store.get(R.persistentVolumes, undefined, spec.volumeName);
      if (!pv) {
        if ((pvc.status as Spec)?.phase === 'Bound') this.setPhase(R.persistentVolumeClaims, namespace, name, { phase: 'Lost' });
        return;
      }
      const ref = (pv.spec as Spec)?.claimRef;
      if (!ref || ref.uid === pvc.metadata.uid || (!ref.uid && ref.name === name && ref.namespace === namespace)) this.bind(pv, pvc);
      return;
    }
    const delayed = className(pvc) ? (store.get(R.storageClasses, undefined, className(pvc)) as Spec | undefined)?.volumeBindingMode === 'WaitForFirstConsumer' : false;
    const selectedNode = pvc.metadata.annotations?.['volume.kubernetes.io/selected-node'];
    // A volume pre-bound to this claim wins, then the smallest fitting Available one.
    const volumes = store.list(R.persistentVolumes).items.filter((pv) => !pv.metadata.deletionTimestamp);
    const prebound = volumes.find((pv) => {
      const ref = (pv.spec as Spec)?.claimRef;
      return ref && ref.name === name && ref.namespace === namespace && (!ref.uid || ref.uid === pvc.metadata.uid);
    });
    const candidates = volumes.filter((pv) => !(pv.spec as Spec)?.claimRef && volumeFits(pv, pvc)).sort((a, b) => capacityBytes(a) - capacityBytes(b));
    const chosen = prebound ?? (delayed && !selectedNode ? undefined : candidates[0]);
    if (chosen) {
      this.bind(chosen, pvc);
      return;
    }
    const cls = className(pvc) ? store.get(R.storageClasses, undefined, className(pvc)) : undefined;
    // WaitForFirstConsumer: nothing happens until the scheduler has picked a node for a pod using the claim.
    if ((cls as Spec | undefined)?.volumeBindingMode === 'WaitForFirstConsumer' && !pvc.metadata.annotations?.['volume.kubernetes.io/selected-node']) {
      if ((pvc.status as Spec)?.phase !== 'Pending') this.setPhase(R.persistentVolumeClaims, namespace, name, { phase: 'Pending' });
      this.ctx.events.record(pvc, 'Normal', 'WaitForFirstConsumer', 'waiting for first consumer to be created before binding', COMPONENT);
      return;
    }
    const provisioner = cls?.provisioner as string | undefined;
    if (cls && provisioner && provisioner !== 'kubernetes.io/no-provisioner') {
      this.provision(pvc, cls);
      return;
    }
    if ((pvc.status as Spec)?.phase !== 'Pending') this.setPhase(R.persistentVolumeClaims, namespace, name, { phase: 'Pending' });
    const why = className(pvc)
      ? cls
        ? `no persistent volumes available for this claim and storage class "${className(pvc)}" has no provisioner`
        : `storageclass.storage.k8s.io "${className(pvc)}" not found`
      : 'no persistent volumes available for this claim and no storage class is set';
    this.ctx.events.record(pvc, cls || !className(pvc) ? 'Normal' : 'Warning', 'FailedBinding', why, COMPONENT);
  }

  private provision(pvc: KubeObject, cls: KubeObject): void {
    const spec = (pvc.spec ?? {}) as Spec;
    const pvName = `pvc-${pvc.metadata.uid}`;
    const provisioner = cls.provisioner as string;
    this.ctx.store.mutate(R.persistentVolumeClaims, pvc.metadata.namespace, pvc.metadata.name!, (cur) => {
      const a = cur.metadata.annotations ?? {};
      if (a['volume.kubernetes.io/storage-provisioner'] === provisioner) return undefined;
      cur.metadata.annotations = { ...a, 'volume.beta.kubernetes.io/storage-provisioner': provisioner, 'volume.kubernetes.io/storage-provisioner': provisioner };
      return cur;
    });
    this.ctx.events.record(pvc, 'Normal', 'ExternalProvisioning', `Waiting for a volume to be created either by the external provisioner "${provisioner}" or manually by the system administrator. If volume creation is delayed, please verify that the provisioner is running and correctly registered.`, COMPONENT);
    this.ctx.events.record(pvc, 'Normal', 'Provisioning', `External provisioner is provisioning volume for claim "${pvc.metadata.namespace}/${pvc.metadata.name}"`, `${provisioner}_kubelab`);
    let pv = this.ctx.store.get(R.persistentVolumes, undefined, pvName);
    if (!pv) {
      pv = this.ctx.store.create(R.persistentVolumes, {
        apiVersion: 'v1',
        kind: 'PersistentVolume',
        metadata: { name: pvName, annotations: { 'pv.kubernetes.io/provisioned-by': provisioner } },
        spec: {
          accessModes: spec.accessModes ?? ['ReadWriteOnce'],
          capacity: { storage: spec.resources?.requests?.storage ?? '1Gi' },
          claimRef: { apiVersion: 'v1', kind: 'PersistentVolumeClaim', namespace: pvc.metadata.namespace, name: pvc.metadata.name, uid: pvc.metadata.uid },
          hostPath: { path: `/var/lib/kubelab/volumes/${pvc.metadata.namespace}/${pvc.metadata.name}`, type: 'DirectoryOrCreate' },
          ...(pvc.metadata.annotations?.['volume.kubernetes.io/selected-node']
            ? { nodeAffinity: { required: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: [pvc.metadata.annotations['volume.kubernetes.io/selected-node']] }] }] } } }
            : {}),
          persistentVolumeReclaimPolicy: (cls.reclaimPolicy as string | undefined) ?? 'Delete',
          storageClassName: cls.metadata.name,
          volumeMode: spec.volumeMode ?? 'Filesystem',
        },
        status: { phase: 'Pending' },
      });
      this.ctx.events.record(pvc, 'Normal', 'ProvisioningSucceeded', `Successfully provisioned volume ${pvName}`, `${provisioner}_kubelab`);
    }
    this.bind(pv, this.ctx.store.get(R.persistentVolumeClaims, pvc.metadata.namespace, pvc.metadata.name!) ?? pvc);
  }

  private bind(pv: KubeObject, pvc: KubeObject): void {
    const { store } = this.ctx;
    const now = timestamp(this.ctx.now());
    store.mutate(R.persistentVolumes, undefined, pv.metadata.name!, (cur) => {
      const spec = (cur.spec ??= {}) as Spec;
      const ref = { apiVersion: 'v1', kind: 'PersistentVolumeClaim', namespace: pvc.metadata.namespace, name: pvc.metadata.name, uid: pvc.metadata.uid, resourceVersion: pvc.metadata.resourceVersion };
      if (spec.claimRef?.uid === pvc.metadata.uid) return undefined;
      spec.claimRef = ref;
      cur.metadata.annotations = { ...(cur.metadata.annotations ?? {}), 'pv.kubernetes.io/bound-by-controller': 'yes' };
      return cur;
    });
    this.setPhase(R.persistentVolumes, undefined, pv.metadata.name!, { phase: 'Bound', lastPhaseTransitionTime: now });
    const fresh = store.get(R.persistentVolumes, undefined, pv.metadata.name!)!;
    store.mutate(R.persistentVolumeClaims, pvc.metadata.namespace, pvc.metadata.name!, (cur) => {
      const spec = (cur.spec ??= {}) as Spec;
      const a = cur.metadata.annotations ?? {};
      if (spec.volumeName === fresh.metadata.name && a['pv.kubernetes.io/bind-completed'] === 'yes') return undefined;
      const boundByController = !spec.volumeName;
      spec.volumeName = fresh.metadata.name;
      cur.metadata.annotations = { ...a, 'pv.kubernetes.io/bind-completed': 'yes', ...(boundByController ? { 'pv.kubernetes.io/bound-by-controller': 'yes' } : {}) };
      return cur;
    });
    this.setPhase(R.persistentVolumeClaims, pvc.metadata.namespace, pvc.metadata.name!, {
      phase: 'Bound',
      accessModes: (fresh.spec as Spec)?.accessModes,
      capacity: (fresh.spec as Spec)?.capacity,
    });
  }
}
