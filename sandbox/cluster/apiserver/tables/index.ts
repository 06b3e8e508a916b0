// Server-side printing: turns objects into the `meta.k8s.io/v1` Table that kubectl requests with
// `Accept: application/json;as=Table;v=v1;g=meta.k8s.io`. Columns and cells follow Kubernetes'
// own printers (pkg/printers/internalversion); resources without one (roles, clusterroles, custom
// resources, ...) get the API server's default `Name / Created At` table.

import type { KubeObject } from '../../store/types';
import type { Cell, Printer, TableColumnDefinition, TableRowCondition } from './columns';
import { podPrinter } from './pods';
import { configMapPrinter, endpointsPrinter, eventPrinter, namespacePrinter, nodePrinter, persistentVolumeClaimPrinter, persistentVolumePrinter, resourceQuotaPrinter, secretPrinter, serviceAccountPrinter, servicePrinter } from './core';
import { cronJobPrinter, daemonSetPrinter, deploymentPrinter, jobPrinter, replicaSetPrinter, replicationControllerPrinter, statefulSetPrinter } from './workloads';
import { clusterRoleBindingPrinter, controllerRevisionPrinter, defaultPrinter, endpointSlicePrinter, horizontalPodAutoscalerPrinter, ingressClassPrinter, ingressPrinter, leasePrinter, networkPolicyPrinter, podDisruptionBudgetPrinter, podTemplatePrinter, priorityClassPrinter, roleBindingPrinter, runtimeClassPrinter, storageClassPrinter, webhookConfigurationPrinter } from './other';

export type { TableColumnDefinition } from './columns';
export { humanDuration } from './format';
export { canonicalQuantity } from './quantity';

const PRINTERS: Record<string, Printer> = {
  '/pods': podPrinter,
  '/nodes': nodePrinter,
  '/services': servicePrinter,
  '/endpoints': endpointsPrinter,
  '/namespaces': namespacePrinter,
  '/configmaps': configMapPrinter,
  '/secrets': secretPrinter,
  '/serviceaccounts': serviceAccountPrinter,
  '/events': eventPrinter,
  '/persistentvolumes': persistentVolumePrinter,
  '/persistentvolumeclaims': persistentVolumeClaimPrinter,
  '/resourcequotas': resourceQuotaPrinter,
  '/replicationcontrollers': replicationControllerPrinter,
  'apps/deployments': deploymentPrinter,
  'apps/replicasets': replicaSetPrinter,
  'apps/daemonsets': daemonSetPrinter,
  'apps/statefulsets': statefulSetPrinter,
  'batch/jobs': jobPrinter,
  'batch/cronjobs': cronJobPrinter,
  'events.k8s.io/events': eventPrinter,
  'discovery.k8s.io/endpointslices': endpointSlicePrinter,
  'networking.k8s.io/ingresses': ingressPrinter,
  'networking.k8s.io/ingressclasses': ingressClassPrinter,
  'storage.k8s.io/storageclasses': storageClassPrinter,
  'policy/poddisruptionbudgets': podDisruptionBudgetPrinter,
  'rbac.authorization.k8s.io/rolebindings': roleBindingPrinter,
  'rbac.authorization.k8s.io/clusterrolebindings': clusterRoleBindingPrinter,
  'coordination.k8s.io/leases': leasePrinter,
  'scheduling.k8s.io/priorityclasses': priorityClassPrinter,
  'autoscaling/horizontalpodautoscalers': horizontalPodAutoscalerPrinter,
  '/podtemplates': podTemplatePrinter,
  'apps/controllerrevisions': controllerRevisionPrinter,
  'networking.k8s.io/networkpolicies': networkPolicyPrinter,
  'node.k8s.io/runtimeclasses': runtimeClassPrinter,
  'admissionregistration.k8s.io/mutatingwebhookconfigurations': webhookConfigurationPrinter,
  'admissionregistration.k8s.io/validatingwebhookconfigurations': webhookConfigurationPrinter,
};

export interface TableOptions {
  /** Ignored: like the real API server we always print every column; kubectl hides priority > 0 columns unless `-o wide`. */
  wide: boolean;
  /** `includeObject` query parameter: kubectl asks for `Metadata` by default and `Object` for custom columns/sorting. */
  includeObject: 'None' | 'Metadata' | 'Object';
  /** Reference time for AGE cells. */
  now: Date;
}

export interface TableRow {
  cells: Cell[];
  conditions?: TableRowCondition[];
  object?: unknown;
}

export interface Table {
  kind: 'Table';
  apiVersion: 'meta.k8s.io/v1';
  /** The API server copies the list's resourceVersion / continue here. */
  metadata: { resourceVersion?: string; continue?: string };
  columnDefinitions: TableColumnDefinition[];
  rows: TableRow[];
}

export function printerFor(ref: { group: string; resource: string }): Printer {
  return PRINTERS[`${ref.group}/${ref.resource}`] ?? defaultPrinter;
}

function rowObject(obj: KubeObject, includeObject: TableOptions['includeObject']): unknown {
  if (includeObject === 'Object') return obj;
  if (includeObject === 'None') return undefined;
  return { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: obj.metadata };
}

export function toTable(ref: { group: string; resource: string }, items: KubeObject[], opts: TableOptions): Table {
  const printer = printerFor(ref);
  const rows = items.map((item) => {
    const printed = printer.print(item, opts.now);
    const row: TableRow = { cells: printed.cells };
    if (printed.conditions) row.conditions = printed.conditions;
    const object = rowObject(item, opts.includeObject);
    if (object !== undefined) row.object = object;
    return row;
  });
  return { kind: 'Table', apiVersion: 'meta.k8s.io/v1', metadata: {}, columnDefinitions: printer.columns, rows };
}
