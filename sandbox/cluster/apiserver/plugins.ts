// The modules written alongside the API server: server-side tables, OpenAPI documents and the
// unknown-field check, and protobuf decoding. Kept behind small interfaces so the REST code only
// depends on what it uses. Protobuf decoding (protobufjs and the upstream .proto files) loads on the
// first protobuf body, so a cluster nobody sends one to never pays for it.
import type { KubeObject, ResourceRef } from '../store/types';
import * as openapi from './openapi';
import * as tables from './tables';

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

export function tablesModule(): TablesModule | undefined {
  return tables;
}

export function openapiModule(): OpenApiModule | undefined {
  return openapi;
}

let protobuf: ProtobufModule | undefined;
export function protobufModule(): ProtobufModule | undefined {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  protobuf ??= require('./protobuf') as typeof import('./protobuf');
  return protobuf;
}
