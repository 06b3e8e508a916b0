// Decodes request bodies sent as `application/vnd.kubernetes.protobuf` (kubectl's typed clients
// use it for `kubectl create deployment|namespace|configmap|secret|service|job|...`) into the
// JSON form of the object, as if the client had sent JSON.
//
// Wire format: the 4-byte magic `k8s\0`, then a `runtime.Unknown` {typeMeta, raw, contentEncoding,
// contentType} whose `raw` is the typed message from upstream `generated.proto` (vendored in ./proto
// by generate-protos.ts). The JSON mapping follows Go's encoding/json of the same struct: proto field
// names are the JSON names, zero values are dropped where the Go field has `omitempty` (and kept for
// pointers / non-omitempty fields, see proto/json-fields.json), bytes become base64, Time becomes
// RFC3339, Quantity its string, IntOrString a number or string, RawExtension its embedded JSON.

import { join } from 'node:path';
import protobuf from 'protobufjs';
import { badRequest, StatusError } from '../../api/errors';
import type { KubeObject } from '../../store/types';
import jsonFieldsData from './proto/json-fields.json';
import { API_PACKAGES } from './packages';

const MAGIC = Buffer.from([0x6b, 0x38, 0x73, 0x00]);
const PROTO_DIR = join(__dirname, 'proto');

const META = 'k8s.io.apimachinery.pkg.apis.meta.v1';
const TIME = `${META}.Time`;
const MICRO_TIME = `${META}.MicroTime`;
const DURATION = `${META}.Duration`;
const FIELDS_V1 = `${META}.FieldsV1`;
const QUANTITY = 'k8s.io.apimachinery.pkg.api.resource.Quantity';
const INT_OR_STRING = 'k8s.io.apimachinery.pkg.util.intstr.IntOrString';
const RAW_EXTENSION = 'k8s.io.apimachinery.pkg.runtime.RawExtension';
const UNKNOWN = 'k8s.io.apimachinery.pkg.runtime.Unknown';

interface JsonFields {
  rename?: Record<string, string>;
  keepZero?: string[];
  inline?: string[];
}
const JSON_FIELDS = jsonFieldsData as Record<string, JsonFields>;
const keepZeroSets = new Map<string, Set<string>>();
function keepZero(typeName: string): Set<string> {
  let set = keepZeroSets.get(typeName);
  if (!set) {
    set = new Set(JSON_FIELDS[typeName]?.keepZero ?? []);
    keepZeroSets.set(typeName, set);
  }
  return set;
}

let root: protobuf.Root | undefined;
function protoRoot(): protobuf.Root {
  if (root) return root;
  const r = new protobuf.Root();
  r.resolvePath = (_origin, target) => join(PROTO_DIR, target);
  r.loadSync(API_PACKAGES.map((p) => `k8s.io/api/${p}/generated.proto`), { keepCase: true });
  r.resolveAll();
  root = r;
  return r;
}

/** `apps/v1` + `Deployment` -> `k8s.io.api.apps.v1.Deployment` (core group is `core`, `rbac.authorization.k8s.io` is `rbac`). */
function messageName(apiVersion: string, kind: string): string {
  const slash = apiVersion.indexOf('/');
  const group = slash < 0 ? '' : apiVersion.slice(0, slash);
  const version = slash < 0 ? apiVersion : apiVersion.slice(slash + 1);
  const pkg = group === '' ? 'core' : group.split('.')[0];
  return `k8s.io.api.${pkg}.${version}.${kind}`;
}

function unsupported(apiVersion: string, kind: string): StatusError {
  const what = kind ? `${kind}${apiVersion ? ` (${apiVersion})` : ''}` : 'this object';
  return new StatusError(415, 'UnsupportedMediaType', `the body of type application/vnd.kubernetes.protobuf cannot be decoded for ${what}: this server decodes protobuf only for built-in kinds it knows; send the object as application/json instead`);
}

/** int64 fields decode to long.js values (or numbers without long.js). */
interface LongLike {
  toNumber(): number;
}
function isLong(value: unknown): value is LongLike {
  return value !== null && typeof value === 'object' && typeof (value as LongLike).toNumber === 'function';
}
function toNumber(value: unknown): number {
  if (typeof value === 'number') return value;
  if (isLong(value)) return value.toNumber();
  return Number(value);
}

function formatTime(seconds: number, nanos: number, micro: boolean): string {
  const iso = new Date(seconds * 1000).toISOString().slice(0, 19);
  if (!micro) return `${iso}Z`;
  return `${iso}.${String(Math.floor(nanos / 1000)).padStart(6, '0')}Z`;
}

/** Go's `time.Duration.String()`, e.g. `1h0m0s`, `1.5s`, `300ms`. */
function formatDuration(ns: number): string {
  if (ns === 0) return '0s';
  const sign = ns < 0 ? '-' : '';
  let rest = Math.abs(ns);
  if (rest < 1e9) {
    const [unit, div] = rest < 1e3 ? ['ns', 1] : rest < 1e6 ? ['µs', 1e3] : ['ms', 1e6];
    return `${sign}${rest / div}${unit}`;
  }
  const h = Math.floor(rest / 3600e9);
  rest -= h * 3600e9;
  const m = Math.floor(rest / 60e9);
  rest -= m * 60e9;
  const s = rest / 1e9;
  return `${sign}${h > 0 ? `${h}h` : ''}${h > 0 || m > 0 ? `${m}m` : ''}${s}s`;
}

function parseEmbeddedJson(raw: Uint8Array, where: string): unknown {
  if (raw.length === 0) return undefined;
  try {
    return JSON.parse(Buffer.from(raw).toString('utf8'));
  } catch {
    throw badRequest(`protobuf body: ${where} does not hold JSON`);
  }
}

const OMIT = Symbol('omit');

/** One scalar or message value of a field, or OMIT for a zero Time. */
function convertValue(field: protobuf.Field, value: unknown, path: string): unknown {
  if (field.resolvedType instanceof protobuf.Type) return convertMessage(field.resolvedType, value as protobuf.Message, path);
  if (field.type === 'bytes') return Buffer.from(value as Uint8Array).toString('base64');
  if (['int64', 'uint64', 'sint64', 'fixed64', 'sfixed64'].includes(field.type)) return toNumber(value);
  return value;
}

function isZero(value: unknown): boolean {
  return value === '' || value === 0 || value === false || (isLong(value) && value.toNumber() === 0);
}

function convertMessage(type: protobuf.Type, message: protobuf.Message, path: string): unknown {
  const full = type.fullName.slice(1);
  const m = message as unknown as Record<string, unknown>;
  const has = (name: string) => Object.prototype.hasOwnProperty.call(m, name);
  switch (full) {
    case TIME:
    case MICRO_TIME: {
      const seconds = toNumber(m.seconds ?? 0);
      const nanos = toNumber(m.nanos ?? 0);
      return seconds === 0 && nanos === 0 ? OMIT : formatTime(seconds, nanos, full === MICRO_TIME);
    }
    case DURATION:
      return formatDuration(toNumber(m.duration ?? 0));
    case QUANTITY:
      return has('string') ? m.string : '0';
    case INT_OR_STRING:
      return toNumber(m.type ?? 0) === 1 ? (m.strVal ?? '') : toNumber(m.intVal ?? 0);
    case RAW_EXTENSION:
      return has('raw') ? (parseEmbeddedJson(m.raw as Uint8Array, path) ?? OMIT) : OMIT;
    case FIELDS_V1:
      return has('Raw') ? (parseEmbeddedJson(m.Raw as Uint8Array, path) ?? {}) : {};
  }
  const out: Record<string, unknown> = {};
  const info = JSON_FIELDS[full];
  const keep = keepZero(full);
  for (const field of type.fieldsArray) {
    if (!has(field.name)) continue;
    const value = m[field.name];
    const jsonName = info?.rename?.[field.name] ?? field.name;
    const inline = info?.inline?.includes(field.name) ?? false;
    const fieldPath = inline ? path : path ? `${path}.${jsonName}` : jsonName;
    let converted: unknown;
    if (field.map) {
      const entries = Object.entries(value as Record<string, unknown>);
      if (entries.length === 0) continue;
      const mapped: Record<string, unknown> = {};
      for (const [k, v] of entries) {
        const c = convertValue(field, v, `${fieldPath}[${k}]`);
        if (c !== OMIT) mapped[k] = c;
      }
      converted = mapped;
    } else if (field.repeated) {
      const items = value as unknown[];
      if (items.length === 0) continue;
      converted = items.map((v, i) => convertValue(field, v, `${fieldPath}[${i}]`)).filter((v) => v !== OMIT);
    } else {
      converted = convertValue(field, value, fieldPath);
      if (converted === OMIT) continue;
      if (!field.resolvedType && isZero(value) && !keep.has(field.name)) continue;
    }
    if (inline && converted !== null && typeof converted === 'object') Object.assign(out, converted);
    else out[jsonName] = converted;
  }
  return out;
}

/**
 * Decodes a Kubernetes protobuf request body into the object's JSON form (with apiVersion/kind).
 * Throws StatusError 400 BadRequest for malformed bodies and 415 UnsupportedMediaType for kinds
 * this server has no protobuf schema for.
 */
export function decodeKubeProtobuf(body: Buffer): KubeObject {
  if (body.length < MAGIC.length || !body.subarray(0, MAGIC.length).equals(MAGIC)) {
    throw badRequest('protobuf body does not start with the Kubernetes magic prefix "k8s\\x00"');
  }
  const r = protoRoot();
  let envelope: Record<string, unknown>;
  try {
    envelope = r.lookupType(UNKNOWN).decode(body.subarray(MAGIC.length)) as unknown as Record<string, unknown>;
  } catch (err) {
    throw badRequest(`protobuf body is not a valid runtime.Unknown envelope: ${(err as Error).message}`);
  }
  const typeMeta = (envelope.typeMeta ?? {}) as { apiVersion?: string; kind?: string };
  const apiVersion = typeMeta.apiVersion ?? '';
  const kind = typeMeta.kind ?? '';
  if (!apiVersion || !kind) throw badRequest('protobuf body: runtime.Unknown has no apiVersion/kind in typeMeta');
  const contentEncoding = (envelope.contentEncoding as string | undefined) ?? '';
  if (contentEncoding !== '') throw new StatusError(415, 'UnsupportedMediaType', `protobuf body: contentEncoding "${contentEncoding}" is not supported`);

  const type = r.lookup(messageName(apiVersion, kind));
  if (!(type instanceof protobuf.Type) || !/^[A-Z]/.test(kind)) throw unsupported(apiVersion, kind);
  let message: protobuf.Message;
  try {
    message = type.decode((envelope.raw as Uint8Array | undefined) ?? new Uint8Array());
  } catch (err) {
    throw badRequest(`protobuf body: cannot decode ${kind} (${apiVersion}): ${(err as Error).message}`);
  }
  const object = convertMessage(type, message, '') as Record<string, unknown>;
  return { apiVersion, kind, ...object, metadata: (object.metadata as KubeObject['metadata']) ?? {} } as KubeObject;
}

export const PROTOBUF_CONTENT_TYPE = 'application/vnd.kubernetes.protobuf';
