// GET /api/v1/dashboard?format=json|csv&lesson=&track=&learner=&status=&since=
// Learners × exercises (status, attempts, help, time spent). Instructor/admin session or API token.
import { NextResponse } from 'next/server';
import { z } from 'zod';
import { db } from '@/lib/db';
import { dashboardCsv, dashboardFilterSchema, dashboardRows } from '@/lib/submissions';
import { exportFormat } from '@/lib/submissions/export';
import { invalid, queryObject, requireExportAccess } from '@/lib/submissions/http';
import { allExercises } from '@/lib/submissions/service';

export const dynamic = 'force-dynamic';

const querySchema = dashboardFilterSchema.extend({ format: exportFormat });

export async function GET(req: Request) {
  const access = await requireExportAccess(req);
  if (access.error) return access.error;
  const parsed = querySchema.safeParse(queryObject(req, ['format', 'lesson', 'track', 'learner', 'status', 'since']));
  if (!parsed.success) return invalid(parsed.error as z.ZodError);
  const { format, ...filter } = parsed.data;
  const rows = await dashboardRows(db(), await allExercises(), filter);
  if (format === 'csv') {
    return new NextResponse(dashboardCsv(rows), { headers: { 'content-type': 'text/csv; charset=utf-8', 'content-disposition': 'attachment; filename="kubelab-dashboard.csv"' } });
  }
  return NextResponse.json({ rows });
}
