// Loads Kubernetes' upstream swagger 2.0 spec (data/, extracted from an npm package by
// data/fetch-swagger.sh) once, on first use.

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

let cached: Swagger | undefined;
export function swagger(): Swagger {
  cached ??= JSON.parse(gunzipSync(readFileSync(SWAGGER_FILE)).toString('utf8')) as Swagger;
  return cached;
}
