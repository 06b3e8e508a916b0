// Modules written alongside the API server (tables, OpenAPI, protobuf decoding). Each is loaded
// once; when one is missing the API server falls back (generic tables, no OpenAPI, 415 for
// protobuf) and says so once on stderr.
import type { StatusError } from '../api/errors';
import type { KubeObject, ResourceRef } from '../store/types';

export interface TablesModule {
  toTable(ref: ResourceRef, items: KubeObject[], opts: { wide: boolean; includeObject: 'None' | 'Metadata' | 'Object'; now: Date }): object;
}

export interface OpenApiModule {
  openapiV3Paths(): Record<string, { serverRelativeURL: string }>;
  openapiV3Document(gvPath: string): object | undefined;
  findUnknownFields(obj: KubeObject): string[];
  openapiV3Hash?(gvPath: string): string | undefined;
  patchMeta?(apiVersion: string, kind: string, path: string[]): { patchStrategy?: string; patchMergeKey?: string; listType?: string; listMapKeys?: string[] } | undefined;
}

export interface ProtobufModule {
  /** Throws a StatusError for bodies it cannot decode. */
  decodeKubeProtobuf(body: Buffer): KubeObject;
}

export type { StatusError };

const reported = new Set<string>();

function isMissing(err: unknown, request: string): boolean {
  const e = err as { code?: string; message?: string };
  return e?.code === 'MODULE_NOT_FOUND' && typeof e.message === 'string' && e.message.includes(request);
}

/** Loads an optional sibling module; `undefined` (logged once) if it does not exist yet. */
export function optional<T>(label: string, request: string, load: () => unknown): T | undefined {
  try {
    return load() as T;
  } catch (err) {
    if (!isMissing(err, request)) throw err;
    if (!reported.has(label)) {
      reported.add(label);
      process.stderr.write(`mini-cluster: ${label} not available (${request} missing); using the fallback\n`);
    }
    return undefined;
  }
}

let tables: TablesModule | undefined | null = null;
let openapi: OpenApiModule | undefined | null = null;
let protobuf: ProtobufModule | undefined | null = null;

export function tablesModule(): TablesModule | undefined {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  if (tables === null) tables = optional<TablesModule>('server-side tables', './tables', () => require('./tables'));
  return tables;
}

export function openapiModule(): OpenApiModule | undefined {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  if (openapi === null) openapi = optional<OpenApiModule>('OpenAPI documents', './openapi', () => require('./openapi'));
  return openapi;
}

export function protobufModule(): ProtobufModule | undefined {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  if (protobuf === null) protobuf = optional<ProtobufModule>('protobuf decoding', './protobuf', () => require('./protobuf'));
  return protobuf;
}
