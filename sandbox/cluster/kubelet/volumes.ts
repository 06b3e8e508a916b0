// Volume mounts for a container, resolved by the kubelet the way its volume manager does before
// starting containers: ConfigMap / Secret / downward API contents are read from the store (the
// runtime gets the files), emptyDir / hostPath / PVC are described. A missing non-optional
// ConfigMap or Secret keeps the pod in ContainerCreating with a FailedMount event.
import { REF } from '../api/registry';
import type { ClusterContext } from '../context';
import type { KubeObject } from '../store/types';
import type { ContainerSpec } from './pod-worker';
import type { VolumeMount } from './runtime';

export class MountError extends Error {
  constructor(
    readonly volume: string,
    message: string,
  ) {
    super(message);
  }
}

interface KeyToPath {
  key: string;
  path: string;
}

interface Volume {
  name: string;
  emptyDir?: { medium?: string };
  hostPath?: { path: string; type?: string };
  configMap?: { name: string; items?: KeyToPath[]; optional?: boolean };
  secret?: { secretName: string; items?: KeyToPath[]; optional?: boolean };
  persistentVolumeClaim?: { claimName: string; readOnly?: boolean };
  downwardAPI?: { items?: Array<{ path: string; fieldRef?: { fieldPath: string } }> };
  projected?: unknown;
}

function pick(data: Record<string, string>, items: KeyToPath[] | undefined, what: string, volume: string): Record<string, string> {
  if (!items?.length) return { ...data };
  const out: Record<string, string> = {};
  for (const it of items) {
    if (!(it.key in data)) throw new MountError(volume, `MountVolume.SetUp failed for volume "${volume}" : configmap references non-existent config key: ${it.key}`.replace('configmap', what));
    out[it.path] = data[it.key];
  }
  return out;
}

function decodeSecret(secret: KubeObject): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries((secret.data ?? {}) as Record<string, string>)) out[k] = Buffer.from(v, 'base64').toString('utf8');
  for (const [k, v] of Object.entries((secret.stringData ?? {}) as Record<string, string>)) out[k] = v;
  return out;
}

function downward(pod: KubeObject, path: string): string {
  const meta = pod.metadata;
  const render = (m: Record<string, string> | undefined) =>
    Object.entries(m ?? {})
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([k, v]) => `${k}="${v}"`)
      .join('\n');
  if (path === 'metadata.labels') return render(meta.labels);
  if (path === 'metadata.annotations') return render(meta.annotations);
  if (path === 'metadata.name') return meta.name ?? '';
  if (path === 'metadata.namespace') return meta.namespace ?? '';
  if (path === 'metadata.uid') return meta.uid ?? '';
  return '';
}

/** Resolves the sources of all pod volumes (throws MountError for a missing ConfigMap/Secret). */
export function resolveVolumes(ctx: ClusterContext, pod: KubeObject): Map<string, VolumeMount['source']> {
  const ns = pod.metadata.namespace;
  const out = new Map<string, VolumeMount['source']>();
  for (const v of ((pod.spec as { volumes?: Volume[] }).volumes ?? [])) {
    if (v.configMap) {
      const cm = ctx.store.get(REF.configmaps, ns, v.configMap.name);
      if (!cm) {
        if (v.configMap.optional) out.set(v.name, { kind: 'configMap', files: {} });
        else throw new MountError(v.name, `MountVolume.SetUp failed for volume "${v.name}" : configmap "${v.configMap.name}" not found`);
        continue;
      }
      out.set(v.name, { kind: 'configMap', files: pick((cm.data ?? {}) as Record<string, string>, v.configMap.items, 'configmap', v.name) });
    } else if (v.secret) {
      const s = ctx.store.get(REF.secrets, ns, v.secret.secretName);
      if (!s) {
        if (v.secret.optional) out.set(v.name, { kind: 'secret', files: {} });
        else throw new MountError(v.name, `MountVolume.SetUp failed for volume "${v.name}" : secret "${v.secret.secretName}" not found`);
        continue;
      }
      out.set(v.name, { kind: 'secret', files: pick(decodeSecret(s), v.secret.items, 'secret', v.name) });
    } else if (v.downwardAPI) {
      const files: Record<string, string> = {};
      for (const it of v.downwardAPI.items ?? []) if (it.fieldRef) files[it.path] = downward(pod, it.fieldRef.fieldPath);
      out.set(v.name, { kind: 'downwardAPI', files });
    } else if (v.emptyDir) out.set(v.name, { kind: 'emptyDir', medium: v.emptyDir.medium });
    else if (v.hostPath) out.set(v.name, { kind: 'hostPath', path: v.hostPath.path });
    else if (v.persistentVolumeClaim) out.set(v.name, { kind: 'persistentVolumeClaim', claimName: v.persistentVolumeClaim.claimName });
    else out.set(v.name, { kind: 'other' });
  }
  return out;
}

/** The container's mounts with their resolved sources. */
export function containerMounts(c: ContainerSpec, sources: Map<string, VolumeMount['source']>): VolumeMount[] {
  const mounts = (c.volumeMounts ?? []) as Array<{ name: string; mountPath: string; readOnly?: boolean; subPath?: string }>;
  return mounts.filter((m) => sources.has(m.name)).map((m) => ({ name: m.name, mountPath: m.mountPath, readOnly: m.readOnly === true, subPath: m.subPath, source: sources.get(m.name)! }));
}
