// Printers for networking, storage, policy, rbac, coordination, discovery, scheduling and
// autoscaling resources, plus the API server's default `Name / Created At` table.

import type { KubeObject } from '../../store/types';
import { AGE_DESCRIPTION, columns, WIDE, type Printer } from './columns';
import { arr, formatLabelSelector, formatLabels, intOrString, loadBalancerIngress, num, obj, rfc3339, since, str, strList, templateContainers, type Json, type LabelSelector } from './format';

function name(o: KubeObject): string {
  return str(o.metadata.name);
}

/** `listWithMoreString` of the discovery printers. */
function listWithMore(list: string[], more: boolean, count: number, max: number): string {
  const ret = list.join(',');
  if (more) return `${ret} + ${count - max} more...`;
  return ret === '' ? '<unset>' : ret;
}

export const endpointSlicePrinter: Printer = {
  columns: columns(
    ['Name', 'string'],
    ['AddressType', 'string', 'addressType specifies the type of address carried by this EndpointSlice.'],
    ['Ports', 'string', 'ports specifies the list of network ports exposed by each endpoint in this slice.'],
    ['Endpoints', 'string', 'endpoints is a list of unique endpoints in this slice.'],
    ['Age', 'string'],
  ),
  print(o, now) {
    const max = 3;
    const ports: string[] = [];
    let portsMore = false;
    let portCount = 0;
    for (const p of arr(o.ports)) {
      if (ports.length < max) ports.push(typeof p.port === 'number' ? String(p.port) : typeof p.name === 'string' ? p.name : '*');
      else if (ports.length === max) portsMore = true;
      portCount++;
    }
    const addrs: string[] = [];
    let addrMore = false;
    let addrCount = 0;
    for (const ep of arr(o.endpoints)) {
      for (const a of strList(ep.addresses)) {
        if (addrs.length < max) addrs.push(a);
        else if (addrs.length === max) addrMore = true;
        addrCount++;
      }
    }
    return {
      cells: [name(o), str(o.addressType), listWithMore(ports, portsMore, portCount, max), listWithMore(addrs, addrMore, addrCount, max), since(o.metadata.creationTimestamp, now)],
    };
  },
};

/** `formatHosts`: up to three hosts, `*` when no rule names a host. */
function ingressHosts(rules: Json[]): string {
  const list: string[] = [];
  const max = 3;
  let more = false;
  for (const rule of rules) {
    if (list.length === max) more = true;
    if (!more && str(rule.host) !== '') list.push(str(rule.host));
  }
  if (list.length === 0) return '*';
  const ret = list.join(',');
  return more ? `${ret} + ${rules.length - max} more...` : ret;
}

export const ingressPrinter: Printer = {
  columns: columns(
    ['Name', 'string'],
    ['Class', 'string', 'The name of the IngressClass resource that should be used for ingress.'],
    ['Hosts', 'string', 'Hosts that incoming requests are matched against before the ingress rule'],
    ['Address', 'string', 'Address is a list containing ingress points for the load-balancer'],
    ['Ports', 'string', 'Ports of TLS configurations that open'],
    ['Age', 'string'],
  ),
  print(o, now) {
    const spec = obj(o.spec);
    return {
      cells: [
        name(o), str(spec.ingressClassName) || '<none>', ingressHosts(arr(spec.rules)), loadBalancerIngress(obj(obj(o.status).loadBalancer)),
        arr(spec.tls).length > 0 ? '80, 443' : '80', since(o.metadata.creationTimestamp, now),
      ],
    };
  },
};

export const ingressClassPrinter: Printer = {
  columns: columns(['Name', 'string'], ['Controller', 'string', 'Controller that is responsible for handling this class'], ['Parameters', 'string', 'A reference to a resource with additional parameters'], ['Age', 'string']),
  print(o, now) {
    const spec = obj(o.spec);
    let parameters = '<none>';
    if (spec.parameters !== undefined) {
      const p = obj(spec.parameters);
      parameters = str(p.kind) + (typeof p.apiGroup === 'string' ? `.${p.apiGroup}` : '') + `/${str(p.name)}`;
    }
    return { cells: [name(o), str(spec.controller), parameters, since(o.metadata.creationTimestamp, now)] };
  },
};

export const storageClassPrinter: Printer = {
  columns: columns(
    ['Name', 'string'],
    ['Provisioner', 'string', 'Indicates the type of the provisioner.'],
    ['ReclaimPolicy', 'string', 'Dynamically provisioned PersistentVolumes of this storage class are created with this reclaimPolicy. Defaults to Delete.'],
    ['VolumeBindingMode', 'string', 'VolumeBindingMode indicates how PersistentVolumeClaims should be provisioned and bound.  When unset, VolumeBindingImmediate is used. This field is only honored by servers that enable the VolumeScheduling feature.'],
    ['AllowVolumeExpansion', 'string', 'AllowVolumeExpansion shows whether the storage class allow volume expand.'],
    ['Age', 'string'],
  ),
  print(o, now) {
    const ann = o.metadata.annotations ?? {};
    const isDefault = ann['storageclass.kubernetes.io/is-default-class'] === 'true' || ann['storageclass.beta.kubernetes.io/is-default-class'] === 'true';
    return {
      cells: [
        isDefault ? `${name(o)} (default)` : name(o), str(o.provisioner), str(o.reclaimPolicy) || 'Delete', str(o.volumeBindingMode) || 'Immediate',
        o.allowVolumeExpansion === true, since(o.metadata.creationTimestamp, now),
      ],
    };
  },
};

export const podDisruptionBudgetPrinter: Printer = {
  columns: columns(
    ['Name', 'string'],
    ['Min Available', 'string', 'The minimum number of pods that must be available.'],
    ['Max Unavailable', 'string', 'The maximum number of pods that may be unavailable.'],
    ['Allowed Disruptions', 'integer', 'Calculated number of pods that may be disrupted at this time.'],
    ['Age', 'string'],
  ),
  print(o, now) {
    const spec = obj(o.spec);
    return {
      cells: [
        name(o), spec.minAvailable === undefined ? 'N/A' : intOrString(spec.minAvailable), spec.maxUnavailable === undefined ? 'N/A' : intOrString(spec.maxUnavailable),
        num(obj(o.status).disruptionsAllowed), since(o.metadata.creationTimestamp, now),
      ],
    };
  },
};

/** `rbac.SubjectsStrings`: users, groups and `namespace/name` service accounts. */
function subjects(o: KubeObject): [string, string, string] {
  const users: string[] = [];
  const groups: string[] = [];
  const sas: string[] = [];
  for (const s of arr(o.subjects)) {
    if (s.kind === 'User') users.push(str(s.name));
    else if (s.kind === 'Group') groups.push(str(s.name));
    else if (s.kind === 'ServiceAccount') sas.push(`${str(s.namespace)}/${str(s.name)}`);
  }
  return [users.join(', '), groups.join(', '), sas.join(', ')];
}

export const roleBindingPrinter: Printer = {
  columns: columns(
    ['Name', 'string'],
    ['Role', 'string', 'RoleRef can reference a Role in the current namespace or a ClusterRole in the global namespace.'],
    ['Age', 'string'],
    ['Users', 'string', 'Users in the roleBinding', WIDE],
    ['Groups', 'string', 'Groups in the roleBinding', WIDE],
    ['ServiceAccounts', 'string', 'ServiceAccounts in the roleBinding', WIDE],
  ),
  print(o, now) {
    const ref = obj(o.roleRef);
    return { cells: [name(o), `${str(ref.kind)}/${str(ref.name)}`, since(o.metadata.creationTimestamp, now), ...subjects(o)] };
  },
};

export const clusterRoleBindingPrinter: Printer = {
  columns: columns(
    ['Name', 'string'],
    ['Role', 'string', 'RoleRef can only reference the current namespace and the global namespace.'],
    ['Age', 'string'],
    ['Users', 'string', 'Users in the clusterRoleBinding', WIDE],
    ['Groups', 'string', 'Groups in the clusterRoleBinding', WIDE],
    ['ServiceAccounts', 'string', 'ServiceAccounts in the clusterRoleBinding', WIDE],
  ),
  print: roleBindingPrinter.print,
};

export const leasePrinter: Printer = {
  columns: columns(['Name', 'string'], ['Holder', 'string', 'holderIdentity contains the identity of the holder of a current lease.'], ['Age', 'string']),
  print: (o, now) => ({ cells: [name(o), str(obj(o.spec).holderIdentity), since(o.metadata.creationTimestamp, now)] }),
};

export const priorityClassPrinter: Printer = {
  columns: columns(
    ['Name', 'string'],
    ['Value', 'integer', 'value represents the integer value of this priority class.'],
    ['Global-Default', 'boolean', 'globalDefault specifies whether this PriorityClass should be considered as the default priority for pods that do not have any priority class.'],
    ['Age', 'string'],
    ['PreemptionPolicy', 'string', 'preemptionPolicy is the Policy for preempting pods with lower priority.'],
  ),
  print: (o, now) => ({ cells: [name(o), num(o.value), o.globalDefault === true, since(o.metadata.creationTimestamp, now), str(o.preemptionPolicy)] }),
};

/** HPA metric specs/statuses in autoscaling/v2 form; autoscaling/v1 objects are converted like the API server does. */
function hpaMetricsOf(o: KubeObject): { specs: Json[]; statuses: Json[] } {
  const spec = obj(o.spec);
  const status = obj(o.status);
  if (o.apiVersion !== 'autoscaling/v1') return { specs: arr(spec.metrics), statuses: arr(status.currentMetrics) };
  return {
    specs: typeof spec.targetCPUUtilizationPercentage === 'number'
      ? [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: spec.targetCPUUtilizationPercentage } } }]
      : [],
    statuses: typeof status.currentCPUUtilizationPercentage === 'number'
      ? [{ type: 'Resource', resource: { name: 'cpu', current: { averageUtilization: status.currentCPUUtilizationPercentage } } }]
      : [],
  };
}

/** `formatHPAMetrics`: at most two `current/target` entries. */
function hpaTargets(o: KubeObject): string {
  const { specs, statuses } = hpaMetricsOf(o);
  if (specs.length === 0) return '<none>';
  const list: string[] = [];
  const max = 2;
  const sourceOf = (m: Json, key: string) => (m[key] === undefined || m[key] === null ? undefined : obj(m[key]));
  specs.forEach((metric, i) => {
    const st = statuses[i] ?? {};
    const quantityOr = (v: unknown, fallback: string) => (v === undefined || v === null ? fallback : intOrString(v));
    switch (metric.type) {
      case 'External':
      case 'Object': {
        const key = metric.type === 'External' ? 'external' : 'object';
        const target = obj(obj(metric[key]).target);
        const current = sourceOf(st, key);
        if (target.averageValue !== undefined) {
          list.push(`${current && obj(current.current).averageValue !== undefined ? intOrString(obj(current.current).averageValue) : '<unknown>'}/${intOrString(target.averageValue)} (avg)`);
        } else {
          list.push(`${current ? quantityOr(obj(current.current).value, '0') : '<unknown>'}/${quantityOr(target.value, '0')}`);
        }
        break;
      }
      case 'Pods': {
        const current = sourceOf(st, 'pods');
        list.push(`${current ? quantityOr(obj(current.current).averageValue, '0') : '<unknown>'}/${quantityOr(obj(obj(metric.pods).target).averageValue, '0')}`);
        break;
      }
      case 'Resource':
      case 'ContainerResource': {
        const key = metric.type === 'Resource' ? 'resource' : 'containerResource';
        const source = obj(metric[key]);
        const target = obj(source.target);
        const current = sourceOf(st, key);
        if (target.averageValue !== undefined) {
          list.push(`${str(source.name)}: ${current ? quantityOr(obj(current.current).averageValue, '0') : '<unknown>'}/${intOrString(target.averageValue)}`);
        } else {
          const cur = current && typeof obj(current.current).averageUtilization === 'number' ? `${obj(current.current).averageUtilization}%` : '<unknown>';
          const tgt = typeof target.averageUtilization === 'number' ? `${target.averageUtilization}%` : '<auto>';
          list.push(`${str(source.name)}: ${cur}/${tgt}`);
        }
        break;
      }
      default:
        list.push('<unknown type>');
    }
  });
  const count = specs.length;
  if (count > max) return `${list.slice(0, max).join(', ')} + ${count - max} more...`;
  return list.join(', ');
}

export const horizontalPodAutoscalerPrinter: Printer = {
  columns: columns(
    ['Name', 'string'],
    ['Reference', 'string', 'reference to scaled resource; horizontal pod autoscaler will learn the current resource consumption and will set the desired number of pods by using its Scale subresource.'],
    ['Targets', 'string', 'metrics contains the specifications for which to use to calculate the desired replica count (the maximum replica count across all metrics will be used).'],
    ['MinPods', 'string', 'minReplicas is the lower limit for the number of replicas to which the autoscaler can scale down.'],
    ['MaxPods', 'string', 'maxReplicas is the upper limit for the number of replicas to which the autoscaler can scale up.'],
    ['Replicas', 'string', 'currentReplicas is current number of replicas of pods managed by this autoscaler, as last seen by the autoscaler.'],
    ['Age', 'string'],
  ),
  print(o, now) {
    const spec = obj(o.spec);
    const ref = obj(spec.scaleTargetRef);
    return {
      cells: [
        name(o), `${str(ref.kind)}/${str(ref.name)}`, hpaTargets(o), typeof spec.minReplicas === 'number' ? String(spec.minReplicas) : '<unset>',
        num(spec.maxReplicas), num(obj(o.status).currentReplicas), since(o.metadata.creationTimestamp, now),
      ],
    };
  },
};

/** The API server's `defaultTableConvertor`, used for resources without a printer. */
export const defaultPrinter: Printer = {
  columns: [
    { name: 'Name', type: 'string', format: 'name', description: columns(['Name', 'string'])[0].description, priority: 0 },
    { name: 'Created At', type: 'date', format: '', description: AGE_DESCRIPTION, priority: 0 },
  ],
  print: (o) => ({ cells: [name(o), rfc3339(o.metadata.creationTimestamp)] }),
};

export const networkPolicyPrinter: Printer = {
  columns: columns(['Name', 'string'], ['Pod-Selector', 'string', 'podSelector selects the pods to which this NetworkPolicy object applies.'], ['Age', 'string']),
  print: (o, now) => ({ cells: [name(o), formatLabelSelector(obj(obj(o.spec).podSelector) as LabelSelector), since(o.metadata.creationTimestamp, now)] }),
};

export const controllerRevisionPrinter: Printer = {
  columns: columns(['Name', 'string'], ['Controller', 'string', 'Controller of the object'], ['Revision', 'string', 'Revision indicates the revision of the state represented by Data.'], ['Age', 'string']),
  print(o, now) {
    const ref = (o.metadata.ownerReferences ?? []).find((r) => r.controller === true);
    let controller = '<none>';
    if (ref) {
      const slash = ref.apiVersion.indexOf('/');
      const group = slash < 0 ? '' : ref.apiVersion.slice(0, slash);
      controller = `${(group ? `${ref.kind}.${group}` : ref.kind).toLowerCase()}/${ref.name}`;
    }
    return { cells: [name(o), controller, num(o.revision), since(o.metadata.creationTimestamp, now)] };
  },
};

export const podTemplatePrinter: Printer = {
  columns: columns(['Name', 'string'], ['Containers', 'string', 'Names of each container in the template.'], ['Images', 'string', 'Images referenced by each container in the template.'], ['Pod Labels', 'string', 'The labels for the pod template.']),
  print(o) {
    const template = obj(o.template);
    const [containers, images] = templateContainers(template.spec);
    return { cells: [name(o), containers, images, formatLabels(obj(template.metadata).labels as Record<string, string>)] };
  },
};

export const runtimeClassPrinter: Printer = {
  columns: columns(['Name', 'string'], ['Handler', 'string', 'handler specifies the underlying runtime and configuration that the CRI implementation will use to handle pods of this class.'], ['Age', 'string']),
  print: (o, now) => ({ cells: [name(o), str(o.handler), since(o.metadata.creationTimestamp, now)] }),
};

export const webhookConfigurationPrinter: Printer = {
  columns: columns(['Name', 'string'], ['Webhooks', 'integer', 'Webhooks indicates the number of webhooks registered in this configuration'], ['Age', 'string']),
  print: (o, now) => ({ cells: [name(o), arr(o.webhooks).length, since(o.metadata.creationTimestamp, now)] }),
};
