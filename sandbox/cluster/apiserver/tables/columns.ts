// Column definitions and the printer contract. Column names, types, formats and priorities are
// those of Kubernetes' `pkg/printers/internalversion/printers.go`; priority 1 columns are the ones
// kubectl only shows with `-o wide`.

import type { KubeObject } from '../../store/types';

export interface TableColumnDefinition {
  name: string;
  type: 'string' | 'integer' | 'number' | 'boolean' | 'date';
  format: string;
  description: string;
  priority: number;
}

export type Cell = string | number | boolean;

export interface TableRowCondition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
}

export interface PrintedRow {
  cells: Cell[];
  conditions?: TableRowCondition[];
}

export interface Printer {
  columns: TableColumnDefinition[];
  /** Cells for every column (the API server always prints wide). */
  print(obj: KubeObject, now: Date): PrintedRow;
}

export const NAME_DESCRIPTION =
  "Name must be unique within a namespace. Is required when creating resources, although some resources may allow a client to request the generation of an appropriate name automatically. Name is primarily intended for creation idempotence and configuration definition. Cannot be updated. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names";
export const AGE_DESCRIPTION =
  'CreationTimestamp is a timestamp representing the server time when this object was created. It is not guaranteed to be set in happens-before order across separate operations. Clients may not set this value. It is represented in RFC3339 form and is in UTC.\n\nPopulated by the system. Read-only. Null for lists. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata';

type ColumnSpec = [name: string, type: TableColumnDefinition['type'], description?: string, priority?: number];

/** Builds column definitions; `Name` gets format `name` and the standard descriptions are filled in. */
export function columns(...specs: ColumnSpec[]): TableColumnDefinition[] {
  return specs.map(([name, type, description, priority]) => ({
    name,
    type,
    format: name === 'Name' ? 'name' : '',
    description: description ?? (name === 'Name' ? NAME_DESCRIPTION : name === 'Age' ? AGE_DESCRIPTION : ''),
    priority: priority ?? 0,
  }));
}

export const WIDE = 1;
