// Builds the per-group-version OpenAPI v3 documents the API server serves under /openapi/v3/<gv>,
// the same way Kubernetes does: the group-version's paths plus every schema they reach, with
// swagger 2.0 constructs translated (`#/definitions` -> `#/components/schemas`, body parameters ->
// requestBody, `produces` -> response content) and Kubernetes' vendor extensions kept.

import { createHash } from 'node:crypto';
import { swagger, type Schema, type SwaggerOperation, type SwaggerParameter } from './swagger';

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch'] as const;

/** What kubectl needs to enable server-side field validation (it looks for it on PATCH operations). */
const FIELD_VALIDATION: SwaggerParameter = {
  name: 'fieldValidation',
  in: 'query',
  description:
    'fieldValidation instructs the server on how to handle objects in the request (POST/PUT/PATCH) containing unknown or duplicate fields. Valid values are: - Ignore: This will ignore any unknown fields that are silently dropped from the object, and will ignore all but the last duplicate field that the decoder encounters. This is the default behavior prior to v1.23. - Warn: This will send a warning via the standard warning response header for each unknown field that is dropped from the object, and for each duplicate field that is encountered. The request will still succeed if there are no other errors, and will only persist the last of any duplicate fields. This is the default in v1.23+ - Strict: This will fail the request with a BadRequest error if any unknown fields would be dropped from the object, or if any duplicate fields are present. The error returned from the server will contain all unknown and duplicate fields encountered.',
  type: 'string',
  uniqueItems: true,
};

/** Group-versions we publish: the GA versions the mini-cluster serves. */
function isServedGroupVersion(gv: string): boolean {
  return /^api\/v1$|^apis\/[^/]+\/v\d+$/.test(gv);
}

function groupVersionOfPath(path: string): string | undefined {
  const m = /^\/(api\/v1|apis\/[^/]+\/[^/]+)\//.exec(path);
  return m?.[1];
}

/** Rewrites refs and wraps `$ref` with siblings in `allOf` (JSON Schema ignores siblings of `$ref`; upstream v3 does this too). */
export function convertSchema(schema: unknown, refs?: Set<string>): unknown {
  if (Array.isArray(schema)) return schema.map((s) => convertSchema(s, refs));
  if (schema === null || typeof schema !== 'object') return schema;
  const out: Schema = {};
  for (const [k, v] of Object.entries(schema)) {
    if (k === '$ref' && typeof v === 'string') {
      const name = v.replace('#/definitions/', '');
      refs?.add(name);
      out.$ref = `#/components/schemas/${name}`;
    } else if (k === 'properties' || k === 'patternProperties' || k === 'definitions') {
      out[k] = Object.fromEntries(Object.entries(v as Schema).map(([p, s]) => [p, convertSchema(s, refs)]));
    } else {
      out[k] = convertSchema(v, refs);
    }
  }
  if (typeof out.$ref === 'string' && Object.keys(out).length > 1) {
    const { $ref, ...rest } = out;
    return { ...rest, allOf: [{ $ref }] };
  }
  return out;
}

function convertParameter(p: SwaggerParameter): Schema {
  const { name, in: location, description, required, type, uniqueItems } = p;
  const schema: Schema = { type };
  if (uniqueItems !== undefined) schema.uniqueItems = uniqueItems;
  const out: Schema = { name, in: location };
  if (description !== undefined) out.description = description;
  if (required) out.required = true;
  out.schema = schema;
  return out;
}

function convertOperation(method: string, op: SwaggerOperation, refs: Set<string>): Schema {
  const out: Schema = {};
  for (const [k, v] of Object.entries(op)) {
    if (['consumes', 'produces', 'parameters', 'responses', 'schemes'].includes(k)) continue;
    out[k] = v;
  }
  const params = [...(op.parameters ?? [])];
  if ((method === 'post' || method === 'put' || method === 'patch') && !params.some((p) => p.name === 'fieldValidation')) params.push(FIELD_VALIDATION);
  const body = params.find((p) => p.in === 'body');
  const others = params.filter((p) => p.in !== 'body');
  if (others.length > 0) out.parameters = others.map(convertParameter);
  if (body) {
    const schema = convertSchema(body.schema, refs);
    out.requestBody = { content: Object.fromEntries((op.consumes ?? ['*/*']).map((c) => [c, { schema }])), required: body.required ?? undefined };
    if ((out.requestBody as Schema).required === undefined) delete (out.requestBody as Schema).required;
  }
  const produces = op.produces ?? ['application/json'];
  out.responses = Object.fromEntries(
    Object.entries(op.responses ?? {}).map(([code, r]) => {
      const response: Schema = { description: r.description ?? '' };
      if (r.schema) {
        const schema = convertSchema(r.schema, refs);
        response.content = Object.fromEntries(produces.map((c) => [c, { schema }]));
      }
      return [code, response];
    }),
  );
  return out;
}

function collectClosure(definitions: Record<string, Schema>, roots: Set<string>): Record<string, unknown> {
  const schemas: Record<string, unknown> = {};
  const queue = [...roots];
  while (queue.length > 0) {
    const name = queue.pop() as string;
    if (name in schemas || !(name in definitions)) continue;
    const refs = new Set<string>();
    schemas[name] = convertSchema(definitions[name], refs);
    for (const r of refs) if (!(r in schemas)) queue.push(r);
  }
  return Object.fromEntries(Object.keys(schemas).sort().map((k) => [k, schemas[k]]));
}

interface BuiltDocument {
  doc: Schema;
  hash: string;
}
let index: Map<string, string[]> | undefined;
/** Documents are cached once requested; the discovery map only needs their hashes, kept separately. */
const documents = new Map<string, BuiltDocument>();
const hashes = new Map<string, string>();

/** Group-version path ('api/v1', 'apis/apps/v1') -> swagger paths belonging to it. */
function pathIndex(): Map<string, string[]> {
  if (index) return index;
  index = new Map();
  for (const path of Object.keys(swagger().paths).sort()) {
    const gv = groupVersionOfPath(path);
    if (!gv || !isServedGroupVersion(gv)) continue;
    const list = index.get(gv) ?? [];
    list.push(path);
    index.set(gv, list);
  }
  return index;
}

export function groupVersions(): string[] {
  return [...pathIndex().keys()];
}

/** The stable content hash of a group-version's document, without keeping the document. */
export function documentHash(gvPath: string): string | undefined {
  const known = hashes.get(gvPath) ?? documents.get(gvPath)?.hash;
  if (known) return known;
  const built = generate(gvPath);
  if (built) hashes.set(gvPath, built.hash);
  return built?.hash;
}

export function buildDocument(gvPath: string): BuiltDocument | undefined {
  const cached = documents.get(gvPath);
  if (cached) return cached;
  const built = generate(gvPath);
  if (built) {
    documents.set(gvPath, built);
    hashes.set(gvPath, built.hash);
  }
  return built;
}

function generate(gvPath: string): BuiltDocument | undefined {
  const paths = pathIndex().get(gvPath);
  if (!paths) return undefined;
  const spec = swagger();
  const refs = new Set<string>();
  const outPaths: Record<string, unknown> = {};
  for (const path of paths) {
    const item = spec.paths[path];
    const outItem: Schema = {};
    for (const method of METHODS) {
      const op = item[method] as SwaggerOperation | undefined;
      if (op) outItem[method] = convertOperation(method, op, refs);
    }
    if (item.parameters) outItem.parameters = item.parameters.map(convertParameter);
    outPaths[path] = outItem;
  }
  const doc: Schema = {
    openapi: '3.0.0',
    info: { title: 'Kubernetes', version: 'unversioned' },
    paths: outPaths,
    components: {
      schemas: collectClosure(spec.definitions, refs),
      securitySchemes: { BearerToken: { type: 'apiKey', description: 'Bearer Token authentication', name: 'authorization', in: 'header' } },
    },
  };
  const hash = createHash('sha512').update(JSON.stringify(doc)).digest('hex').slice(0, 128).toUpperCase();
  return { doc, hash };
}
