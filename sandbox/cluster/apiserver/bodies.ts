// zod schemas for the small request bodies the API server reads itself (DeleteOptions, Binding,
// Eviction). A body that does not fit is a 400 naming the offending field.
// zod/mini: the cluster process loads zod only for these few schemas, and the classic API cost it
// about 80 ms of start-up and several MB of memory.
import * as z from 'zod/mini';
import { badRequest } from '../api/errors';
import './zod-messages';

const preconditions = z.object({ uid: z.optional(z.string()), resourceVersion: z.optional(z.string()) });

export const deleteOptionsSchema = z.looseObject({
  kind: z.optional(z.string()),
  apiVersion: z.optional(z.string()),
  propagationPolicy: z.optional(z.enum(['Background', 'Foreground', 'Orphan'])),
  gracePeriodSeconds: z.optional(z.int()),
  orphanDependents: z.optional(z.boolean()),
  dryRun: z.optional(z.array(z.string())),
  preconditions: z.optional(preconditions),
});

export const bindingSchema = z.looseObject({
  metadata: z.optional(z.looseObject({ name: z.optional(z.string()) })),
  target: z.optional(z.looseObject({ kind: z.optional(z.string()), name: z.optional(z.string()) })),
});

export const evictionSchema = z.looseObject({
  metadata: z.optional(z.looseObject({ name: z.optional(z.string()) })),
  deleteOptions: z.optional(deleteOptionsSchema),
});

/** Parses `body` (undefined = empty) or throws a 400 like Kubernetes' decoder would. */
export function parseBody<T extends z.ZodMiniType>(schema: T, body: unknown, kind: string): z.infer<T> {
  const parsed = schema.safeParse(body ?? {});
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const field = issue.path.join('.') || '(root)';
  throw badRequest(`the object provided is unrecognized (must be of type ${kind}): ${field}: ${issue.message}`);
}
