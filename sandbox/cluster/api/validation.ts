// Object validation with Kubernetes' wording, producing the `field: Invalid value: ...` causes of
// a 422 Invalid Status. Covers names, labels, and the fields the course's objects rely on.
import type { KubeObject } from '../store/types';
import { invalid, type StatusCause } from './errors';
import type { ResourceInfo } from './registry';
import { labelSelectorFromObject } from './selectors';

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const QUALIFIED_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

const q = (v: unknown) => JSON.stringify(v);

export function dns1123SubdomainErrors(value: string): string[] {
  const errs: string[] = [];
  if (value.length > 253) errs.push('must be no more than 253 characters');
  if (!DNS1123_SUBDOMAIN.test(value)) errs.push(`a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')`);
  return errs;
}

export function dns1123LabelErrors(value: string): string[] {
  const errs: string[] = [];
  if (value.length > 63) errs.push('must be no more than 63 characters');
  if (!DNS1123_LABEL.test(value)) errs.push(`a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')`);
  return errs;
}

export function dns1035LabelErrors(value: string): string[] {
  const errs: string[] = [];
  if (value.length > 63) errs.push('must be no more than 63 characters');
  if (!DNS1035_LABEL.test(value)) errs.push(`a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')`);
  return errs;
}

/** Which name rule each resource uses (most use RFC 1123 subdomains). */
function nameErrors(kind: string, name: string): string[] {
  if (kind === 'Namespace') return dns1123LabelErrors(name);
  if (kind === 'Service') return dns1035LabelErrors(name);
  return dns1123SubdomainErrors(name);
}

class Causes {
  readonly list: StatusCause[] = [];
  invalidValue(field: string, value: unknown, detail: string): void {
    this.list.push({ reason: 'FieldValueInvalid', message: `Invalid value: ${q(value)}: ${detail}`, field });
  }
  required(field: string, detail = ''): void {
    this.list.push({ reason: 'FieldValueRequired', message: detail ? `Required value: ${detail}` : 'Required value', field });
  }
  unsupported(field: string, value: unknown, supported: string[]): void {
    this.list.push({ reason: 'FieldValueNotSupported', message: `Unsupported value: ${q(value)}: supported values: ${supported.map((s) => q(s)).join(', ')}`, field });
  }
  duplicate(field: string, value: unknown): void {
    this.list.push({ reason: 'FieldValueDuplicate', message: `Duplicate value: ${q(value)}`, field });
  }
  forbidden(field: string, detail: string): void {
    this.list.push({ reason: 'FieldValueForbidden', message: `Forbidden: ${detail}`, field });
  }
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

function validateLabels(c: Causes, field: string, labels: unknown): void {
  if (labels === undefined || labels === null) return;
  if (!isObj(labels)) return c.invalidValue(field, labels, 'must be a map of string keys to string values');
  for (const [k, v] of Object.entries(labels)) {
    const namePart = k.includes('/') ? k.slice(k.indexOf('/') + 1) : k;
    const prefix = k.includes('/') ? k.slice(0, k.indexOf('/')) : '';
    if (!QUALIFIED_NAME.test(namePart) || namePart.length > 63 || (prefix && !DNS1123_SUBDOMAIN.test(prefix))) {
      c.invalidValue(field, k, "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')");
    }
    if (field.endsWith('labels') && (typeof v !== 'string' || !LABEL_VALUE.test(v) || v.length > 63)) {
      c.invalidValue(`${field}`, v, "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')");
    }
  }
}

function validateContainers(c: Causes, field: string, list: unknown, required: boolean): void {
  if (list === undefined || list === null) {
    if (required) c.required(field);
    return;
  }
  if (!Array.isArray(list)) return c.invalidValue(field, list, 'must be a list of containers');
  if (required && list.length === 0) c.required(field);
  const names = new Set<string>();
  list.forEach((ct, i) => {
    const f = `${field}[${i}]`;
    if (!isObj(ct)) return c.invalidValue(f, ct, 'must be an object');
    if (typeof ct.name !== 'string' || !ct.name) c.required(`${f}.name`);
    else {
      for (const e of dns1123LabelErrors(ct.name)) c.invalidValue(`${f}.name`, ct.name, e);
      if (names.has(ct.name)) c.duplicate(`${f}.name`, ct.name);
      names.add(ct.name);
    }
    if (typeof ct.image !== 'string' || !ct.image.trim()) c.required(`${f}.image`);
    if (ct.imagePullPolicy !== undefined && !['Always', 'IfNotPresent', 'Never'].includes(String(ct.imagePullPolicy))) c.unsupported(`${f}.imagePullPolicy`, ct.imagePullPolicy, ['Always', 'IfNotPresent', 'Never']);
    if (Array.isArray(ct.ports)) {
      ct.ports.forEach((p: unknown, j: number) => {
        if (!isObj(p)) return;
        const cp = p.containerPort;
        if (typeof cp !== 'number' || !Number.isInteger(cp) || cp < 1 || cp > 65535) c.invalidValue(`${f}.ports[${j}].containerPort`, cp ?? 0, 'must be between 1 and 65535, inclusive');
        if (p.protocol !== undefined && !['TCP', 'UDP', 'SCTP'].includes(String(p.protocol))) c.unsupported(`${f}.ports[${j}].protocol`, p.protocol, ['SCTP', 'TCP', 'UDP']);
      });
    }
  });
}

function validatePodSpec(c: Causes, field: string, spec: unknown, restartPolicies?: string[]): void {
  if (!isObj(spec)) return c.required(field);
  validateContainers(c, `${field}.containers`, spec.containers, true);
  validateContainers(c, `${field}.initContainers`, spec.initContainers, false);
  const allowed = restartPolicies ?? ['Always', 'OnFailure', 'Never'];
  if (spec.restartPolicy !== undefined && !allowed.includes(String(spec.restartPolicy))) c.unsupported(`${field}.restartPolicy`, spec.restartPolicy, allowed);
  if (Array.isArray(spec.volumes)) {
    const names = new Set<string>();
    spec.volumes.forEach((v: unknown, i: number) => {
      if (!isObj(v)) return;
      if (typeof v.name !== 'string' || !v.name) c.required(`${field}.volumes[${i}].name`);
      else if (names.has(v.name)) c.duplicate(`${field}.volumes[${i}].name`, v.name);
      else names.add(v.name);
    });
  }
}

function validateSelectorTemplate(c: Causes, spec: Obj, restartPolicies?: string[], selectorRequired = true): void {
  const template = isObj(spec.template) ? spec.template : undefined;
  const templateLabels = isObj(template?.metadata) ? ((template!.metadata as Obj).labels as Record<string, string> | undefined) : undefined;
  if (spec.selector === undefined || spec.selector === null) {
    if (selectorRequired) c.required('spec.selector');
  } else if (isObj(spec.selector)) {
    const sel = spec.selector as { matchLabels?: Record<string, string>; matchExpressions?: { key: string; operator: string; values?: string[] }[] };
    const empty = !Object.keys(sel.matchLabels ?? {}).length && !(sel.matchExpressions ?? []).length;
    if (empty && selectorRequired) c.invalidValue('spec.selector', spec.selector, 'empty selector is invalid for deployment');
    else {
      try {
        if (!labelSelectorFromObject(sel).matches(templateLabels)) c.invalidValue('spec.template.metadata.labels', templateLabels ?? {}, '`selector` does not match template `labels`');
      } catch {
        c.invalidValue('spec.selector', spec.selector, 'invalid label selector');
      }
    }
  }
  if (!template) return c.required('spec.template');
  validateLabels(c, 'spec.template.metadata.labels', templateLabels);
  validatePodSpec(c, 'spec.template.spec', template.spec, restartPolicies);
}

function validateReplicas(c: Causes, spec: Obj): void {
  if (spec.replicas !== undefined && (typeof spec.replicas !== 'number' || !Number.isInteger(spec.replicas) || spec.replicas < 0)) c.invalidValue('spec.replicas', spec.replicas, 'must be greater than or equal to 0');
}

const SERVICE_TYPES = ['ClusterIP', 'ExternalName', 'LoadBalancer', 'NodePort'];

const byKind: Record<string, (c: Causes, o: KubeObject) => void> = {
  Pod(c, o) {
    validatePodSpec(c, 'spec', o.spec);
  },
  Deployment(c, o) {
    const spec = isObj(o.spec) ? o.spec : {};
    validateReplicas(c, spec);
    validateSelectorTemplate(c, spec, ['Always']);
    const strategy = isObj(spec.strategy) ? spec.strategy : {};
    if (strategy.type !== undefined && !['RollingUpdate', 'Recreate'].includes(String(strategy.type))) c.unsupported('spec.strategy.type', strategy.type, ['Recreate', 'RollingUpdate']);
  },
  ReplicaSet(c, o) {
    const spec = isObj(o.spec) ? o.spec : {};
    validateReplicas(c, spec);
    validateSelectorTemplate(c, spec, ['Always']);
  },
  DaemonSet(c, o) {
    validateSelectorTemplate(c, isObj(o.spec) ? o.spec : {}, ['Always']);
  },
  StatefulSet(c, o) {
    const spec = isObj(o.spec) ? o.spec : {};
    validateReplicas(c, spec);
    validateSelectorTemplate(c, spec, ['Always']);
  },
  Job(c, o) {
    validateSelectorTemplate(c, isObj(o.spec) ? o.spec : {}, ['OnFailure', 'Never'], false);
  },
  CronJob(c, o) {
    const spec = isObj(o.spec) ? o.spec : {};
    if (typeof spec.schedule !== 'string' || !spec.schedule.trim()) c.required('spec.schedule');
    const jt = isObj(spec.jobTemplate) ? spec.jobTemplate : {};
    const jspec = isObj(jt.spec) ? jt.spec : {};
    const template = isObj(jspec.template) ? jspec.template : undefined;
    if (!template) c.required('spec.jobTemplate.spec.template');
    else validatePodSpec(c, 'spec.jobTemplate.spec.template.spec', template.spec, ['OnFailure', 'Never']);
  },
  Service(c, o) {
    const spec = isObj(o.spec) ? o.spec : {};
    const type = spec.type ?? 'ClusterIP';
    if (!SERVICE_TYPES.includes(String(type))) return c.unsupported('spec.type', type, SERVICE_TYPES);
    if (type === 'ExternalName') {
      if (typeof spec.externalName !== 'string' || !spec.externalName) c.required('spec.externalName');
      return;
    }
    const ports = Array.isArray(spec.ports) ? spec.ports : [];
    if (ports.length === 0 && spec.clusterIP !== 'None') c.required('spec.ports');
    const names = new Set<string>();
    ports.forEach((p: unknown, i: number) => {
      if (!isObj(p)) return;
      const port = p.port;
      if (typeof port !== 'number' || !Number.isInteger(port) || port < 1 || port > 65535) c.invalidValue(`spec.ports[${i}].port`, port ?? 0, 'must be between 1 and 65535, inclusive');
      if (ports.length > 1 && !p.name) c.required(`spec.ports[${i}].name`);
      if (typeof p.name === 'string') {
        if (names.has(p.name)) c.duplicate(`spec.ports[${i}].name`, p.name);
        names.add(p.name);
      }
      if (p.protocol !== undefined && !['TCP', 'UDP', 'SCTP'].includes(String(p.protocol))) c.unsupported(`spec.ports[${i}].protocol`, p.protocol, ['SCTP', 'TCP', 'UDP']);
      if (p.nodePort !== undefined && type === 'ClusterIP') c.forbidden(`spec.ports[${i}].nodePort`, 'may not be used when `type` is \'ClusterIP\'');
    });
  },
  ConfigMap(c, o) {
    for (const field of ['data', 'binaryData']) {
      const d = (o as Obj)[field];
      if (d === undefined || d === null) continue;
      if (!isObj(d)) {
        c.invalidValue(field, d, 'must be a map');
        continue;
      }
      for (const k of Object.keys(d)) if (!/^[-._a-zA-Z0-9]+$/.test(k)) c.invalidValue(`${field}[${k}]`, k, "a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')");
    }
  },
};

/**
 * Validates an object about to be written. Throws a 422 Invalid StatusError whose message and
 * causes read like Kubernetes', e.g. `Deployment.apps "Web" is invalid: metadata.name: Invalid value: "Web": ...`.
 */
export function validateObject(info: ResourceInfo, o: KubeObject, opts: { checkName?: boolean } = {}): void {
  const c = new Causes();
  const meta = o.metadata ?? {};
  const name = meta.name ?? '';
  if (opts.checkName !== false) {
    if (!name && !meta.generateName) c.required('metadata.name', 'name or generateName is required');
    if (name) for (const e of nameErrors(info.kind, name)) c.invalidValue('metadata.name', name, e);
  }
  validateLabels(c, 'metadata.labels', meta.labels);
  if (meta.annotations !== undefined && !isObj(meta.annotations)) c.invalidValue('metadata.annotations', meta.annotations, 'must be a map of string keys to string values');
  else if (meta.annotations) {
    for (const [k, v] of Object.entries(meta.annotations)) if (typeof v !== 'string') c.invalidValue(`metadata.annotations`, k, 'annotation values must be strings');
    const size = Object.entries(meta.annotations).reduce((n, [k, v]) => n + k.length + String(v).length, 0);
    if (size > 262144) c.list.push({ reason: 'FieldValueTooLong', field: 'metadata.annotations', message: 'Too long: may not be more than 262144 bytes' });
  }
  byKind[info.kind]?.(c, o);
  if (c.list.length) throw invalid(info.group, info.kind, name || meta.generateName || '', c.list);
}

const POD_UPDATE_FORBIDDEN =
  'pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)';

/** The parts of a pod spec an update may not change (images, deadlines and toleration additions aside). */
function podSpecFrozenPart(spec: unknown): string {
  if (!isObj(spec)) return '';
  const copy = structuredClone(spec) as Obj;
  for (const list of ['containers', 'initContainers']) {
    if (Array.isArray(copy[list])) copy[list] = (copy[list] as unknown[]).map((c) => (isObj(c) ? { ...c, image: undefined } : c));
  }
  delete copy.activeDeadlineSeconds;
  delete copy.tolerations;
  delete copy.terminationGracePeriodSeconds;
  return JSON.stringify(copy);
}

function stringifySelector(sel: unknown): string {
  return JSON.stringify(sel ?? null);
}

/** Rules that only apply when an existing object is replaced (immutable fields). */
export function validateUpdate(info: ResourceInfo, next: KubeObject, current: KubeObject): void {
  const c = new Causes();
  const ns = isObj(next.spec) ? next.spec : {};
  const cs = isObj(current.spec) ? current.spec : {};
  switch (info.kind) {
    case 'Pod': {
      // spec.nodeName is set through pods/binding; a client echoing it back is fine.
      const withNode = (spec: Obj) => ({ ...spec, nodeName: spec.nodeName ?? cs.nodeName });
      if (podSpecFrozenPart(withNode(ns)) !== podSpecFrozenPart(withNode(cs))) c.forbidden('spec', POD_UPDATE_FORBIDDEN);
      const oldTolerations = Array.isArray(cs.tolerations) ? cs.tolerations : [];
      const newTolerations = Array.isArray(ns.tolerations) ? ns.tolerations : [];
      if (oldTolerations.some((t) => !newTolerations.some((n) => JSON.stringify(n) === JSON.stringify(t)))) c.forbidden('spec.tolerations', 'existing toleration can not be modified except its tolerationSeconds');
      break;
    }
    case 'Deployment':
    case 'ReplicaSet':
    case 'DaemonSet':
    case 'StatefulSet':
      if (cs.selector !== undefined && stringifySelector(ns.selector) !== stringifySelector(cs.selector)) c.invalidValue('spec.selector', ns.selector ?? null, 'field is immutable');
      break;
    case 'Job':
      if (JSON.stringify(ns.template ?? null) !== JSON.stringify(cs.template ?? null)) c.invalidValue('spec.template', ns.template ?? null, 'field is immutable');
      if (ns.completions !== cs.completions) c.invalidValue('spec.completions', ns.completions ?? null, 'field is immutable');
      break;
    case 'ConfigMap':
    case 'Secret':
      if ((current as Obj).immutable === true) {
        for (const field of ['data', 'binaryData', 'stringData'] as const) {
          if (JSON.stringify((next as Obj)[field] ?? null) !== JSON.stringify((current as Obj)[field] ?? null)) c.forbidden(field, 'field is immutable when `immutable` is set');
        }
        if ((next as Obj).immutable !== true) c.forbidden('immutable', 'field is immutable when `immutable` is set');
      }
      break;
    case 'Service':
      if (typeof cs.clusterIP === 'string' && cs.clusterIP && ns.clusterIP !== undefined && ns.clusterIP !== '' && ns.clusterIP !== cs.clusterIP && ns.type !== 'ExternalName') {
        c.invalidValue('spec.clusterIPs[0]', [ns.clusterIP], 'may not change once set');
      }
      break;
  }
  if (c.list.length) throw invalid(info.group, info.kind, next.metadata.name ?? '', c.list);
}
