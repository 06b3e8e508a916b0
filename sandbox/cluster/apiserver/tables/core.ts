// Printers for core/v1 resources other than pods (upstream printNode, printService, printEvent, ...).

import type { KubeObject } from '../../store/types';
import { columns, WIDE, type Printer } from './columns';
import { accessModesString, arr, formatLabels, loadBalancerIngress, num, obj, parseTime, quantity, since, str, strList, type Json } from './format';

function name(o: KubeObject): string {
  return str(o.metadata.name);
}

function nodeAddress(node: KubeObject, type: string): string {
  const found = arr(obj(node.status).addresses).find((a) => a.type === type);
  return found ? str(found.address) : '<none>';
}

/** `findNodeRoles`: `node-role.kubernetes.io/<role>` label keys and the legacy `kubernetes.io/role` value, sorted. */
function nodeRoles(node: KubeObject): string {
  const roles = new Set<string>();
  for (const [k, v] of Object.entries(node.metadata.labels ?? {})) {
    if (k.startsWith('node-role.kubernetes.io/')) {
      const role = k.slice('node-role.kubernetes.io/'.length);
      if (role) roles.add(role);
    } else if (k === 'kubernetes.io/role' && v !== '') roles.add(v);
  }
  return roles.size === 0 ? '<none>' : [...roles].sort().join(',');
}

export const nodePrinter: Printer = {
  columns: columns(
    ['Name', 'string'],
    ['Status', 'string', 'The status of the node'],
    ['Roles', 'string', 'The roles of the node'],
    ['Age', 'string'],
    ['Version', 'string', 'Kubelet Version reported by the node.'],
    ['Internal-IP', 'string', 'List of addresses reachable to the node. Queried from cloud provider, if available.', WIDE],
    ['External-IP', 'string', 'List of addresses reachable to the node. Queried from cloud provider, if available.', WIDE],
    ['OS-Image', 'string', 'OS Image reported by the node from /etc/os-release (e.g. Debian GNU/Linux 7 (wheezy)).', WIDE],
    ['Kernel-Version', 'string', "Kernel Version reported by the node from 'uname -r' (e.g. 3.16.0-0.bpo.4-amd64).", WIDE],
    ['Container-Runtime', 'string', 'ContainerRuntime Version reported by the node through runtime remote API (e.g. containerd://1.4.2).', WIDE],
  ),
  print(o, now) {
    const ready = arr(obj(o.status).conditions).find((c) => c.type === 'Ready');
    const status: string[] = [];
    if (ready) status.push(ready.status === 'True' ? 'Ready' : 'NotReady');
    else status.push('Unknown');
    if (obj(o.spec).unschedulable === true) status.push('SchedulingDisabled');
    const info = obj(obj(o.status).nodeInfo);
    return {
      cells: [
        name(o), status.join(','), nodeRoles(o), since(o.metadata.creationTimestamp, now), str(info.kubeletVersion),
        nodeAddress(o, 'InternalIP'), nodeAddress(o, 'ExternalIP'),
        str(info.osImage) || '<unknown>', str(info.kernelVersion) || '<unknown>', str(info.containerRuntimeVersion) || '<unknown>',
      ],
    };
  },
};

/** `makePortString`: `80/TCP`, `80:30080/TCP`, comma-joined. */
function servicePorts(ports: Json[]): string {
  return ports
    .map((p) => (num(p.nodePort) > 0 ? `${num(p.port)}:${num(p.nodePort)}/${str(p.protocol)}` : `${num(p.port)}/${str(p.protocol)}`))
    .join(',');
}

/** `getServiceExternalIP` with wide=true. */
function serviceExternalIP(svc: KubeObject): string {
  const spec = obj(svc.spec);
  const externalIPs = strList(spec.externalIPs);
  switch (str(spec.type)) {
    case 'ClusterIP':
    case 'NodePort':
      return externalIPs.length > 0 ? externalIPs.join(',') : '<none>';
    case 'LoadBalancer': {
      const lb = loadBalancerIngress(obj(obj(svc.status).loadBalancer));
      if (externalIPs.length > 0) return [...(lb ? lb.split(',') : []), ...externalIPs].join(',');
      return lb || '<pending>';
    }
    case 'ExternalName':
      return str(spec.externalName);
    default:
      return '<unknown>';
  }
}

export const servicePrinter: Printer = {
  columns: columns(
    ['Name', 'string'],
    ['Type', 'string', 'type determines how the Service is exposed. Defaults to ClusterIP. Valid options are ExternalName, ClusterIP, NodePort, and LoadBalancer.'],
    ['Cluster-IP', 'string', 'clusterIP is the IP address of the service and is usually assigned randomly.'],
    ['External-IP', 'string', 'externalIPs is a list of IP addresses for which nodes in the cluster will also accept traffic for this service.'],
    ['Port(s)', 'string', 'The list of ports that are exposed by this service.'],
    ['Age', 'string'],
    ['Selector', 'string', 'Route service traffic to pods with label keys and values matching this selector.', WIDE],
  ),
  print(o, now) {
    const spec = obj(o.spec);
    const clusterIPs = strList(spec.clusterIPs);
    const clusterIP = clusterIPs[0] ?? (str(spec.clusterIP) || '<none>');
    return {
      cells: [
        name(o), str(spec.type), clusterIP, serviceExternalIP(o), servicePorts(arr(spec.ports)) || '<none>', since(o.metadata.creationTimestamp, now),
        formatLabels(obj(spec.selector) as Record<string, string>),
      ],
    };
  },
};

/** `formatEndpoints`: at most three `ip:port` entries, then ` + N more...`. */
function formatEndpoints(ep: KubeObject): string {
  const subsets = arr(ep.subsets);
  if (subsets.length === 0) return '<none>';
  const list: string[] = [];
  const max = 3;
  let more = false;
  let count = 0;
  for (const ss of subsets) {
    const addresses = arr(ss.addresses);
    const ports = arr(ss.ports);
    if (ports.length === 0) {
      count += addresses.length;
      for (const a of addresses) {
        if (list.length === max) { more = true; break; }
        list.push(str(a.ip));
      }
      continue;
    }
    for (const port of ports) {
      count += addresses.length;
      for (const a of addresses) {
        if (list.length === max) { more = true; break; }
        const ip = str(a.ip);
        list.push(ip.includes(':') ? `[${ip}]:${num(port.port)}` : `${ip}:${num(port.port)}`);
      }
    }
  }
  const ret = list.join(',');
  return more ? `${ret} + ${count - max} more...` : ret;
}

export const endpointsPrinter: Printer = {
  columns: columns(['Name', 'string'], ['Endpoints', 'string', 'The set of all endpoints is the union of all subsets.'], ['Age', 'string']),
  print: (o, now) => ({ cells: [name(o), formatEndpoints(o), since(o.metadata.creationTimestamp, now)] }),
};

export const namespacePrinter: Printer = {
  columns: columns(['Name', 'string'], ['Status', 'string', 'The status of the namespace'], ['Age', 'string']),
  print: (o, now) => ({ cells: [name(o), str(obj(o.status).phase), since(o.metadata.creationTimestamp, now)] }),
};

export const configMapPrinter: Printer = {
  columns: columns(['Name', 'string'], ['Data', 'string', 'Data contains the configuration data.'], ['Age', 'string']),
  print: (o, now) => ({ cells: [name(o), Object.keys(obj(o.data)).length + Object.keys(obj(o.binaryData)).length, since(o.metadata.creationTimestamp, now)] }),
};

export const secretPrinter: Printer = {
  columns: columns(['Name', 'string'], ['Type', 'string', 'Used to facilitate programmatic handling of secret data.'], ['Data', 'string', 'Data contains the secret data.'], ['Age', 'string']),
  print: (o, now) => ({ cells: [name(o), str(o.type), Object.keys(obj(o.data)).length, since(o.metadata.creationTimestamp, now)] }),
};

export const serviceAccountPrinter: Printer = {
  columns: columns(['Name', 'string'], ['Secrets', 'string', 'Secrets is a list of the secrets in the same namespace that pods running using this ServiceAccount are allowed to use.'], ['Age', 'string']),
  print: (o, now) => ({ cells: [name(o), arr(o.secrets).length, since(o.metadata.creationTimestamp, now)] }),
};

/** core/v1 Event fields, or the events.k8s.io/v1 equivalents (`note`, `regarding`, `deprecated*`). */
function eventView(o: KubeObject) {
  const isNew = o.apiVersion === 'events.k8s.io/v1';
  const involved = obj(isNew ? o.regarding : o.involvedObject);
  const source = obj(isNew ? o.deprecatedSource : o.source);
  return {
    involved,
    source,
    message: str(isNew ? o.note : o.message),
    firstTimestamp: isNew ? o.deprecatedFirstTimestamp : o.firstTimestamp,
    lastTimestamp: isNew ? o.deprecatedLastTimestamp : o.lastTimestamp,
    count: num(isNew ? o.deprecatedCount : o.count),
  };
}

export const eventPrinter: Printer = {
  columns: columns(
    ['Last Seen', 'string', 'The time at which the most recent occurrence of this event was recorded.'],
    ['Type', 'string', 'Type of this event (Normal, Warning), new types could be added in the future'],
    ['Reason', 'string', 'This should be a short, machine understandable string that gives the reason for the transition into the object\'s current status.'],
    ['Object', 'string', 'The object that this event is about.'],
    ['Subobject', 'string', 'If referring to a piece of an object instead of an entire object, this string should contain a valid JSON/Go field access statement, such as desiredState.manifest.containers[2].', WIDE],
    ['Source', 'string', 'The component reporting this event. Should be a short machine understandable string.', WIDE],
    ['Message', 'string', 'A human-readable description of the status of this operation.'],
    ['First Seen', 'string', 'The time at which the event was first recorded. (Time of server receipt is in TypeMeta.)', WIDE],
    ['Count', 'string', 'The number of times this event has occurred.', WIDE],
    ['Name', 'string', undefined, WIDE],
  ),
  print(o, now) {
    const ev = eventView(o);
    let first = since(ev.firstTimestamp, now);
    if (!parseTime(ev.firstTimestamp)) first = since(o.eventTime, now);
    let last = since(ev.lastTimestamp, now);
    if (!parseTime(ev.lastTimestamp)) last = first;
    let count = ev.count;
    const series = o.series === undefined || o.series === null ? undefined : obj(o.series);
    if (series) {
      last = since(series.lastObservedTime, now);
      count = num(series.count);
    } else if (count === 0) {
      count = 1;
    }
    const kind = str(ev.involved.kind).toLowerCase();
    const target = str(ev.involved.name) ? `${kind}/${str(ev.involved.name)}` : kind;
    const component = str(ev.source.component) || str(o.reportingController);
    const host = str(ev.source.host) || str(o.reportingInstance);
    const source = host ? `${component}, ${host}` : component;
    return { cells: [last, str(o.type), str(o.reason), target, str(ev.involved.fieldPath), source, ev.message.trim(), first, count, name(o)] };
  },
};

function storageClassOfPV(o: KubeObject): string {
  const beta = o.metadata.annotations?.['volume.beta.kubernetes.io/storage-class'];
  return beta !== undefined ? beta : str(obj(o.spec).storageClassName);
}

export const persistentVolumePrinter: Printer = {
  columns: columns(
    ['Name', 'string'],
    ['Capacity', 'string', 'capacity is the description of the persistent volume\'s resources and capacity.'],
    ['Access Modes', 'string', 'accessModes contains all ways the volume can be mounted.'],
    ['Reclaim Policy', 'string', 'persistentVolumeReclaimPolicy defines what happens to a persistent volume when released from its claim.'],
    ['Status', 'string', 'phase indicates if a volume is available, bound to a claim, or released by a claim.'],
    ['Claim', 'string', 'claimRef is part of a bi-directional binding between PersistentVolume and PersistentVolumeClaim.'],
    ['StorageClass', 'string', 'storageClassName is the name of StorageClass to which this persistent volume belongs. Empty value means that this volume does not belong to any StorageClass.'],
    ['VolumeAttributesClass', 'string', 'Name of VolumeAttributesClass to which this persistent volume belongs. Empty value is not allowed.'],
    ['Reason', 'string', 'reason is a brief CamelCase string that describes any failure and is meant for machine parsing and tidy display in the CLI.'],
    ['Age', 'string'],
    ['VolumeMode', 'string', 'volumeMode defines if a volume is intended to be used with a formatted filesystem or to remain in raw block state.', WIDE],
  ),
  print(o, now) {
    const spec = obj(o.spec);
    const claimRef = spec.claimRef === undefined ? undefined : obj(spec.claimRef);
    const phase = o.metadata.deletionTimestamp ? 'Terminating' : str(obj(o.status).phase);
    return {
      cells: [
        name(o), quantity(obj(spec.capacity).storage), accessModesString(spec.accessModes), str(spec.persistentVolumeReclaimPolicy), phase,
        claimRef ? `${str(claimRef.namespace)}/${str(claimRef.name)}` : '', storageClassOfPV(o), typeof spec.volumeAttributesClassName === 'string' ? spec.volumeAttributesClassName : '<unset>',
        str(obj(o.status).reason), since(o.metadata.creationTimestamp, now), str(spec.volumeMode) || '<unset>',
      ],
    };
  },
};

export const persistentVolumeClaimPrinter: Printer = {
  columns: columns(
    ['Name', 'string'],
    ['Status', 'string', 'phase represents the current phase of PersistentVolumeClaim.'],
    ['Volume', 'string', 'volumeName is the binding reference to the PersistentVolume backing this claim.'],
    ['Capacity', 'string', 'capacity represents the actual resources of the underlying volume.'],
    ['Access Modes', 'string', 'accessModes contains the desired access modes the volume should have.'],
    ['StorageClass', 'string', 'storageClassName is the name of the StorageClass required by the claim.'],
    ['VolumeAttributesClass', 'string', 'currentVolumeAttributesClassName is the current name of the VolumeAttributesClass the PVC is using.'],
    ['Age', 'string'],
    ['VolumeMode', 'string', 'volumeMode defines what type of volume is required by the claim. Value of Filesystem is implied when not included in claim spec.', WIDE],
  ),
  print(o, now) {
    const spec = obj(o.spec);
    const status = obj(o.status);
    const phase = o.metadata.deletionTimestamp ? 'Terminating' : str(status.phase);
    const bound = str(spec.volumeName) !== '';
    const beta = o.metadata.annotations?.['volume.beta.kubernetes.io/storage-class'];
    return {
      cells: [
        name(o), phase, str(spec.volumeName), bound ? quantity(obj(status.capacity).storage) : '', bound ? accessModesString(status.accessModes) : '',
        beta !== undefined ? beta : str(spec.storageClassName), typeof spec.volumeAttributesClassName === 'string' ? spec.volumeAttributesClassName : '<unset>',
        since(o.metadata.creationTimestamp, now), str(spec.volumeMode) || '<unset>',
      ],
    };
  },
};

export const resourceQuotaPrinter: Printer = {
  columns: columns(
    ['Name', 'string'],
    ['Request', 'string', 'Request represents a minimum amount of cpu/memory that a container may consume.'],
    ['Limit', 'string', 'Limits control the maximum amount of cpu/memory that a container may use independent of contention on the node.'],
    ['Age', 'string'],
  ),
  print(o, now) {
    const hard = obj(obj(o.status).hard);
    const used = obj(obj(o.status).used);
    const request: string[] = [];
    const limit: string[] = [];
    for (const resource of Object.keys(hard).sort()) {
      const pieces = resource.split('.');
      const target = pieces.length > 1 && pieces[0] === 'limits' ? limit : request;
      target.push(`${resource}: ${quantity(used[resource])}/${quantity(hard[resource])}`);
    }
    return { cells: [name(o), request.join(', '), limit.join(', '), since(o.metadata.creationTimestamp, now)] };
  },
};
