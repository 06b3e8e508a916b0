// POST: grade one exercise against the caller's own sandbox and store the submission.
// With `Accept: application/x-ndjson` the results stream one check per line as each becomes final
// (`{"type":"check","check":…}`), then `{"type":"done","result":…}`; otherwise one JSON response.
import { NextResponse } from 'next/server';
import { z } from 'zod';
import { apiError, requireApiUser } from '@/lib/auth/request';
import { GradingError, startGrading } from '@/lib/submissions';
import { invalid, jsonBody } from '@/lib/submissions/http';
import { productionGradeDeps } from '@/lib/submissions/service';

export const dynamic = 'force-dynamic';

const bodySchema = z.strictObject({
  lessonKey: z.string().regex(/^[a-z0-9-]+\/[a-z0-9-]+$/, 'a lesson key such as "kubernetes/first-pods"'),
  exerciseId: z.string().regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'an exercise id'),
  lang: z.enum(['en', 'ko']).optional(),
  background: z.boolean().optional(),
});

export async function POST(req: Request) {
  const guard = await requireApiUser(req, { write: true });
  if (guard.error) return guard.error;
  const parsed = bodySchema.safeParse(await jsonBody(req));
  if (!parsed.success) return invalid(parsed.error);
  let job;
  try {
    job = await startGrading({ userId: guard.user.id, ...parsed.data }, productionGradeDeps());
  } catch (err) {
    if (err instanceof GradingError) return apiError(err.status, err.code, err.message, err.retryAfterSeconds ? { 'retry-after': String(err.retryAfterSeconds) } : undefined);
    throw err;
  }
  if (!(req.headers.get('accept') ?? '').includes('application/x-ndjson')) return NextResponse.json(await job.run());

  const encoder = new TextEncoder();
  const stream = new ReadableStream<Uint8Array>({
    async start(controller) {
      const send = (value: unknown) => controller.enqueue(encoder.encode(JSON.stringify(value) + '\n'));
      send({ type: 'start', checkCount: job.checkCount });
      try {
        send({ type: 'done', result: await job.run((check) => send({ type: 'check', check })) });
      } catch (err) {
        send({ type: 'error', error: { code: 'grading_failed', message: err instanceof Error ? err.message : String(err) } });
      }
      controller.close();
    },
  });
  return new Response(stream, { headers: { 'content-type': 'application/x-ndjson; charset=utf-8', 'cache-control': 'no-store', 'x-accel-buffering': 'no' } });
}
