import { stringify } from 'csv-stringify';
import type { Request, Response } from 'express';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Principal } from '../../auth/principal';
import type { ListQuery } from './list-query';
import type { ListReader } from './list-reader';
import type { ResourceSpec } from './resource-spec';

/** CSV when asked by `Accept: text/csv`, or by `?format=csv` so a plain download link streams it too. */
export const wantsCsv = (req: Request) => /\btext\/csv\b/.test(String(req.headers.accept ?? '')) || req.query.format === 'csv';

/**
 * Answers a list request: JSON with `Content-Range: <resource> start-end/total`
 * (ra-data-simple-rest's contract; `X-Total-Estimated: true` when the total
 * is the planner's estimate), or the whole filtered list as streamed CSV.
 */
export async function respondList(
  reader: ListReader,
  spec: ResourceSpec<any>,
  query: ListQuery,
  principal: Principal,
  req: Request,
  res: Response,
): Promise<void> {
  if (wantsCsv(req)) {
    res.setHeader('Content-Type', 'text/csv; charset=utf-8');
    res.setHeader('Content-Disposition', `attachment; filename="${spec.resource}.csv"`);
    const rows = Readable.from(
      (async function* () {
        for await (const record of reader.stream(spec, query, principal)) yield spec.csv.map(([, field]) => csvValue(record[field]));
      })(),
    );
    // pipeline applies backpressure end to end: rows are read only as fast as the client takes them.
    await pipeline(rows, stringify({ header: true, columns: spec.csv.map(([header]) => header) }), res);
    return;
  }
  const page = await reader.page(spec, query, principal);
  const last = page.rows.length ? query.start + page.rows.length - 1 : query.start;
  res.setHeader('Content-Range', `${spec.resource} ${query.start}-${last}/${page.total}`);
  res.setHeader('Access-Control-Expose-Headers', 'Content-Range, X-Total-Estimated');
  if (page.estimated) res.setHeader('X-Total-Estimated', 'true');
  res.json(page.rows);
}

function csvValue(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (value instanceof Date) return value.toISOString();
  const text = typeof value === 'object' ? JSON.stringify(value) : String(value);
  // A cell starting with = + - @ (or a tab/CR) is a formula to a spreadsheet: quote it as text.
  return /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
}
