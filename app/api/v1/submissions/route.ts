// GET /api/v1/submissions?format=json|csv&lesson=&learner=&since=&limit=
// Every grading, for LMS integration. Instructor/admin session or `Authorization: Bearer <API token>`.
import { NextResponse } from 'next/server';
import { db } from '@/lib/db';
import { exportSubmissions, submissionsCsv, submissionsQuerySchema } from '@/lib/submissions/export';
import { invalid, queryObject, requireExportAccess } from '@/lib/submissions/http';

export const dynamic = 'force-dynamic';

export async function GET(req: Request) {
  const access = await requireExportAccess(req);
  if (access.error) return access.error;
  const parsed = submissionsQuerySchema.safeParse(queryObject(req, ['format', 'lesson', 'learner', 'since', 'limit']));
  if (!parsed.success) return invalid(parsed.error);
  const rows = await exportSubmissions(db(), parsed.data);
  if (parsed.data.format === 'csv') {
    return new NextResponse(submissionsCsv(rows), { headers: { 'content-type': 'text/csv; charset=utf-8', 'content-disposition': 'attachment; filename="kubelab-submissions.csv"' } });
  }
  return NextResponse.json({ submissions: rows });
}
