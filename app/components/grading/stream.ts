// Reads the Check route's NDJSON stream: each check's result as soon as it is final, then the total.
import { ApiError } from '@/lib/security/client-fetch';
import { CSRF_HEADER } from '@/lib/security/csrf';
import type { ExerciseCheckResult } from '../lesson/types';

type CheckLine = NonNullable<ExerciseCheckResult['checks']>[number];
export type StreamedResult = ExerciseCheckResult & { lessonCompleted?: boolean };

export async function streamCheck(body: unknown, onCheck: (check: CheckLine, checkCount: number) => void): Promise<StreamedResult> {
  const res = await fetch('/api/exercises/check', {
    method: 'POST',
    credentials: 'same-origin',
    headers: { 'content-type': 'application/json', accept: 'application/x-ndjson', [CSRF_HEADER]: '1' },
    body: JSON.stringify(body),
  });
  if (!res.ok || !res.body) {
    const data = (await res.json().catch(() => undefined)) as { error?: { code?: string; message?: string } } | undefined;
    throw new ApiError(res.status, data?.error?.code ?? 'error', data?.error?.message ?? `request failed with ${res.status}`);
  }
  const reader = res.body.getReader();
  const decoder = new TextDecoder();
  let buffered = '';
  let checkCount = 0;
  for (;;) {
    const { done, value } = await reader.read();
    buffered += decoder.decode(value ?? new Uint8Array(), { stream: !done });
    let newline: number;
    while ((newline = buffered.indexOf('\n')) >= 0) {
      const line = buffered.slice(0, newline).trim();
      buffered = buffered.slice(newline + 1);
      if (!line) continue;
      const msg = JSON.parse(line) as { type: string; checkCount?: number; check?: CheckLine; result?: StreamedResult; error?: { code: string; message: string } };
      if (msg.type === 'start') checkCount = msg.checkCount ?? 0;
      else if (msg.type === 'check' && msg.check) onCheck(msg.check, checkCount);
      else if (msg.type === 'done' && msg.result) return msg.result;
      else if (msg.type === 'error') throw new ApiError(500, msg.error?.code ?? 'error', msg.error?.message ?? 'grading failed');
    }
    if (done) throw new ApiError(502, 'incomplete', 'the grading stopped before it finished: try again');
  }
}
