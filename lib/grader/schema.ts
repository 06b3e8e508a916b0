// PLACEHOLDER CONTRACT (owned by the grader work, issue 5): the zod schema of one check
// in the check language. The lesson loader validates `exercises[].checks` with it.
// The grader replaces this with the full discriminated union described in
// lessons/AUTHORING.md ("Check language").
import { z } from 'zod';

export const checkSchema = z.looseObject({ type: z.string() });
export type Check = z.infer<typeof checkSchema>;
