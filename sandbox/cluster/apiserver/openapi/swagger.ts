// Loads Kubernetes' upstream swagger 2.0 spec (data/, extracted from an npm package by
// data/fetch-swagger.sh) once, on first use, and brings it up to date with the overlay of newer
// types and fields (data/generate-overlay.ts, from the `kubernetes-models` package). Group-versions
// that went GA after the spec was published (autoscaling/v2) get the paths of their last beta.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';

export type Schema = Record<string, unknown>;

export interface SwaggerParameter {
  name: string;
  in: 'query' | 'path' | 'body' | 'header';
  description?: string;
  required?: boolean;
  type?: string;
  uniqueItems?: boolean;
  schema?: Schema;
}

export interface SwaggerOperation {
  [key: string]: unknown;
  consumes?: string[];
  produces?: string[];
  parameters?: SwaggerParameter[];
  responses?: Record<string, { description?: string; schema?: Schema }>;
  'x-kubernetes-action'?: string;
  'x-kubernetes-group-version-kind'?: { group: string; version: string; kind: string };
}

export type SwaggerPathItem = Record<string, SwaggerOperation | SwaggerParameter[]> & { parameters?: SwaggerParameter[] };

export interface Swagger {
  info: { title: string; version: string };
  paths: Record<string, SwaggerPathItem>;
  definitions: Record<string, Schema>;
}

export const SWAGGER_FILE = join(__dirname, 'data', 'swagger-1.22.json.gz');
export const OVERLAY_FILE = join(__dirname, 'data', 'overlay.json.gz');

/** [group, beta version in the spec, GA version]: paths are copied when the GA definitions exist. */
const PROMOTED: Array<[group: string, from: string, to: string]> = [['autoscaling', 'v2beta2', 'v2']];

interface Overlay {
  definitions: Record<string, Schema>;
  properties: Record<string, Record<string, Schema>>;
}

function readGzipJson<T>(file: string): T {
  return JSON.parse(gunzipSync(readFileSync(file)).toString('utf8')) as T;
}

function applyOverlay(spec: Swagger, overlay: Overlay): void {
  for (const [name, schema] of Object.entries(overlay.definitions)) spec.definitions[name] ??= schema;
  for (const [name, props] of Object.entries(overlay.properties)) {
    const def = spec.definitions[name];
    if (!def) continue;
    def.properties = { ...(def.properties as Record<string, Schema> | undefined), ...props };
  }
}

function promote(spec: Swagger, group: string, from: string, to: string): void {
  const fromPrefix = `/apis/${group}/${from}/`;
  const fromDefs = `io.k8s.api.${group}.${from}.`;
  const toDefs = `io.k8s.api.${group}.${to}.`;
  if (!Object.keys(spec.definitions).some((d) => d.startsWith(toDefs))) return;
  const cap = (v: string) => v.charAt(0).toUpperCase() + v.slice(1);
  for (const [path, item] of Object.entries(spec.paths)) {
    if (!path.startsWith(fromPrefix)) continue;
    const text = JSON.stringify(item)
      .split(`#/definitions/${fromDefs}`).join(`#/definitions/${toDefs}`)
      .split(`"version":"${from}"`).join(`"version":"${to}"`)
      .split(cap(from)).join(cap(to))
      .split(`${group}_${from}`).join(`${group}_${to}`)
      .split(`/${group}/${from}/`).join(`/${group}/${to}/`);
    spec.paths[`/apis/${group}/${to}/${path.slice(fromPrefix.length)}`] ??= JSON.parse(text) as SwaggerPathItem;
  }
}

let cached: Swagger | undefined;
export function swagger(): Swagger {
  if (cached) return cached;
  const spec = readGzipJson<Swagger>(SWAGGER_FILE);
  applyOverlay(spec, readGzipJson<Overlay>(OVERLAY_FILE));
  for (const [group, from, to] of PROMOTED) promote(spec, group, from, to);
  cached = spec;
  return spec;
}
