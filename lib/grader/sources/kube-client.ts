// KubeReader over the Kubernetes API with the official client, so the grader works the same
// against the sandbox's mini-cluster and against a real cluster.
import { KubeConfig, KubernetesObjectApi, type KubernetesObject } from '@kubernetes/client-node';
import type { KubeObject, KubeReader } from '../targets';
import { kindInfo } from './kinds';

export function kubeReaderFromKubeconfig(kubeconfigPath: string): KubeReader {
  const config = new KubeConfig();
  config.loadFromFile(kubeconfigPath);
  return kubeReaderFromConfig(config);
}

export function kubeReaderFromConfig(config: KubeConfig): KubeReader {
  const api = KubernetesObjectApi.makeApiClient(config);
  return {
    async get(kind, name, namespace, apiVersion) {
      const info = kindInfo(kind, apiVersion);
      try {
        const spec = { apiVersion: info.apiVersion, kind, metadata: { name, ...(info.namespaced ? { namespace: namespace ?? 'default' } : {}) } };
        return (await api.read(spec as KubernetesObject & { metadata: { name: string } })) as unknown as KubeObject;
      } catch (err) {
        if (statusCode(err) === 404) return undefined;
        throw describe(err);
      }
    },
    async list(kind, opts) {
      const info = kindInfo(kind, opts.apiVersion);
      try {
        const list = await api.list(info.apiVersion, kind, info.namespaced ? opts.namespace : undefined, undefined, undefined, undefined, opts.fieldSelector, opts.labelSelector);
        return list.items as unknown as KubeObject[];
      } catch (err) {
        throw describe(err);
      }
    },
  };
}

function statusCode(err: unknown): number | undefined {
  const e = err as { code?: number; statusCode?: number; response?: { statusCode?: number } };
  return e?.code ?? e?.statusCode ?? e?.response?.statusCode;
}

function describe(err: unknown): Error {
  const e = err as { body?: unknown; message?: string };
  let message = e?.message ?? String(err);
  try {
    const body = typeof e.body === 'string' ? JSON.parse(e.body) : e.body;
    if (body && typeof body === 'object' && 'message' in body) message = String((body as { message: string }).message);
  } catch {
    /* keep the client's message */
  }
  return new Error(`Kubernetes API: ${message}`);
}
