import { z } from 'zod';

/** Messages the browser sends over the terminal WebSocket. */
export const clientMessageSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('input'), data: z.string().max(64 * 1024) }),
  z.strictObject({ type: z.literal('resize'), cols: z.number().int().min(2).max(1000), rows: z.number().int().min(2).max(500) }),
  z.strictObject({ type: z.literal('ping') }),
]);
export type ClientMessage = z.infer<typeof clientMessageSchema>;

export const attachQuerySchema = z.object({
  profile: z.enum(['none', 'docker', 'kubernetes', 'full']).default('none'),
  cols: z.coerce.number().int().min(2).max(1000).default(80),
  rows: z.coerce.number().int().min(2).max(500).default(24),
});

export const TERMINAL_PATH = '/api/terminal';
