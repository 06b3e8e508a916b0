// zod schemas for the small request bodies the API server reads itself (DeleteOptions, Binding,
// Eviction). A body that does not fit is a 400 naming the offending field.
import { z } from 'zod';
import { badRequest } from '../api/errors';

const preconditions = z.object({ uid: z.string().optional(), resourceVersion: z.string().optional() }).partial();

export const deleteOptionsSchema = z
  .object({
    kind: z.string().optional(),
    apiVersion: z.string().optional(),
    propagationPolicy: z.enum(['Background', 'Foreground', 'Orphan']).optional(),
    gracePeriodSeconds: z.number().int().optional(),
    orphanDependents: z.boolean().optional(),
    dryRun: z.array(z.string()).optional(),
    preconditions: preconditions.optional(),
  })
  .passthrough();

export const bindingSchema = z
  .object({
    metadata: z.object({ name: z.string().optional() }).passthrough().optional(),
    target: z.object({ kind: z.string().optional(), name: z.string().optional() }).passthrough().optional(),
  })
  .passthrough();

export const evictionSchema = z
  .object({
    metadata: z.object({ name: z.string().optional() }).passthrough().optional(),
    deleteOptions: deleteOptionsSchema.optional(),
  })
  .passthrough();

/** Parses `body` (undefined = empty) or throws a 400 like Kubernetes' decoder would. */
export function parseBody<T extends z.ZodTypeAny>(schema: T, body: unknown, kind: string): z.infer<T> {
  const parsed = schema.safeParse(body ?? {});
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const field = issue.path.join('.') || '(root)';
  throw badRequest(`the object provided is unrecognized (must be of type ${kind}): ${field}: ${issue.message}`);
}
