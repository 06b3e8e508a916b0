// Turning an HTTP request into something the REST handlers can act on: which resource the path
// names, the query options, and the decoded body.
import type { IncomingMessage } from 'node:http';
import YAML from 'yaml';
import { badRequest, StatusError } from '../api/errors';
import { findByGroupVersionResource, groupVersions, type ResourceInfo } from '../api/registry';
import type { KubeObject } from '../store/types';
import { parseAccept, readBody } from './http';
import { protobufModule } from './plugins';

export interface ResourceTarget {
  info: ResourceInfo;
  /** Namespace from the path (`/namespaces/<ns>/...`); undefined for cluster-wide requests. */
  namespace?: string;
  name?: string;
  subresource?: string;
}

export function notFoundPath(): StatusError {
  return new StatusError(404, 'NotFound', 'the server could not find the requested resource', {});
}

/**
 * Parses `/api/v1/...` and `/apis/<group>/<version>/...` resource paths. Returns undefined for
 * paths that are not resource paths (discovery and friends).
 */
export function parseResourcePath(pathname: string): ResourceTarget | undefined {
  let seg: string[];
  try {
    seg = pathname.split('/').filter(Boolean).map(decodeURIComponent);
  } catch {
    throw badRequest(`malformed URL path: ${pathname}`);
  }
  let group: string;
  let version: string;
  let rest: string[];
  if (seg[0] === 'api' && seg.length >= 3) {
    group = '';
    version = seg[1];
    rest = seg.slice(2);
  } else if (seg[0] === 'apis' && seg.length >= 4) {
    group = seg[1];
    version = seg[2];
    rest = seg.slice(3);
  } else return undefined;
  if (!groupVersions().get(group)?.includes(version)) throw notFoundPath();
  let namespace: string | undefined;
  if (rest[0] === 'namespaces' && rest.length >= 3 && !(group === '' && rest.length === 3 && (rest[2] === 'status' || rest[2] === 'finalize'))) {
    namespace = rest[1];
    rest = rest.slice(2);
  }
  if (rest.length > 3) throw notFoundPath();
  const info = findByGroupVersionResource(group, version, rest[0]);
  if (!info) throw notFoundPath();
  if (namespace !== undefined && !info.namespaced) throw notFoundPath();
  const target: ResourceTarget = { info, namespace, name: rest[1], subresource: rest[2] };
  if (target.subresource && !info.subresources.some((s) => s.name === target.subresource)) throw notFoundPath();
  return target;
}

export function queryFlag(q: URLSearchParams, name: string): boolean {
  const v = q.get(name);
  return v === '1' || v === 'true';
}

export function queryInt(q: URLSearchParams, name: string): number | undefined {
  const v = q.get(name);
  if (v === null || v === '') return undefined;
  const n = Number(v);
  if (!Number.isInteger(n)) throw badRequest(`invalid value for ${name}: "${v}" is not an integer`);
  return n;
}

export type OutputShape = 'object' | 'table' | 'metadata';

/** Which representation the Accept header asks for (Table, PartialObjectMetadata, or the object). */
export function outputShape(accept: string | undefined): OutputShape {
  const types = parseAccept(accept);
  const first = types.find((t) => t.params.as) ?? types[0];
  if (!first?.params.as) return 'object';
  if (first.params.as === 'Table') return 'table';
  if (first.params.as.startsWith('PartialObjectMetadata')) return 'metadata';
  return 'object';
}

const JSON_TYPES = ['application/json', ''];
const YAML_TYPES = ['application/yaml', 'application/x-yaml', 'text/yaml'];
export const PROTOBUF_TYPE = 'application/vnd.kubernetes.protobuf';

export function mediaType(req: IncomingMessage): string {
  return (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
}

function parseText(text: string, type: 'json' | 'yaml', expected?: string): unknown {
  try {
    return type === 'json' ? JSON.parse(text) : YAML.parse(text);
  } catch (err) {
    const detail = err instanceof Error ? err.message.split('\n')[0] : String(err);
    const prefix = expected ? `the object provided is unrecognized (must be of type ${expected}): ` : '';
    throw badRequest(`${prefix}couldn't get version/kind; ${type} parse error: ${detail}`);
  }
}

/** Reads and decodes a request body as JSON, YAML or Kubernetes protobuf. */
export async function readObjectBody(req: IncomingMessage, expectedKind?: string): Promise<unknown> {
  const body = await readBody(req);
  const type = mediaType(req);
  if (type === PROTOBUF_TYPE) {
    const pb = protobufModule();
    if (!pb) throw new StatusError(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: application/json, application/yaml`);
    return pb.decodeKubeProtobuf(body);
  }
  const text = body.toString('utf8');
  if (JSON_TYPES.includes(type)) return text.trim() === '' ? undefined : parseText(text, 'json', expectedKind);
  if (YAML_TYPES.includes(type)) return parseText(text, 'yaml', expectedKind);
  throw new StatusError(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: application/json, application/yaml, application/vnd.kubernetes.protobuf`);
}

export async function readPatchBody(req: IncomingMessage): Promise<{ type: string; patch: unknown }> {
  const type = mediaType(req);
  const body = (await readBody(req)).toString('utf8');
  switch (type) {
    case 'application/json-patch+json':
    case 'application/merge-patch+json':
    case 'application/strategic-merge-patch+json':
      return { type, patch: parseText(body, 'json') };
    case 'application/apply-patch+yaml':
      return { type, patch: parseText(body, 'yaml') };
  }
  throw new StatusError(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml, application/strategic-merge-patch+json`);
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Checks that a decoded body is an object of the expected kind and returns it typed. */
export function asKubeObject(body: unknown, info: ResourceInfo, expectedKind = info.kind, expectedApiVersion?: string): KubeObject {
  if (!isObj(body)) throw badRequest(`the object provided is unrecognized (must be of type ${expectedKind}): couldn't get version/kind; json parse error: expected an object`);
  const apiVersion = expectedApiVersion ?? (info.group ? `${info.group}/${info.version}` : info.version);
  if (body.kind !== undefined && body.kind !== expectedKind) {
    throw badRequest(`the object provided is unrecognized (must be of type ${expectedKind}): ${String(body.kind)} in version "${String(body.apiVersion ?? '')}" cannot be handled as a ${expectedKind}`);
  }
  if (body.apiVersion !== undefined && body.apiVersion !== apiVersion) {
    throw badRequest(`the API version in the data (${String(body.apiVersion)}) does not match the expected API version (${apiVersion})`);
  }
  if (body.metadata !== undefined && !isObj(body.metadata)) throw badRequest(`the object provided is unrecognized (must be of type ${expectedKind}): metadata must be an object`);
  const obj = { ...body, apiVersion, kind: expectedKind, metadata: isObj(body.metadata) ? { ...body.metadata } : {} } as KubeObject;
  for (const key of ['name', 'namespace', 'generateName', 'resourceVersion', 'uid'] as const) {
    const v = obj.metadata[key];
    if (v !== undefined && v !== null && typeof v !== 'string') throw badRequest(`the object provided is unrecognized (must be of type ${expectedKind}): json: cannot unmarshal ${typeof v} into Go struct field ObjectMeta.metadata.${key} of type string`);
    if (v === null) delete obj.metadata[key];
  }
  for (const key of ['labels', 'annotations'] as const) {
    const v = obj.metadata[key];
    if (v === null) delete obj.metadata[key];
    else if (v !== undefined && (!isObj(v) || Object.values(v).some((x) => typeof x !== 'string'))) {
      throw badRequest(`the object provided is unrecognized (must be of type ${expectedKind}): json: cannot unmarshal into Go struct field ObjectMeta.metadata.${key} of type map[string]string`);
    }
  }
  return obj;
}
