import { stringify } from 'csv-stringify/sync';
import type { Request, Response } from 'express';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Principal } from '../../auth/principal';
import type { CsvExport } from './csv-export';
import type { ListQuery } from './list-query';
import type { ListReader } from './list-reader';
import type { ResourceSpec } from './resource-spec';
import { addServerTiming } from '../server-timing';

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
  csvExport?: CsvExport,
): Promise<void> {
  if (wantsCsv(req)) {
    res.setHeader('Content-Type', 'text/csv; charset=utf-8');
    res.setHeader('Content-Disposition', `attachment; filename="${spec.resource}.csv"`);
    const copy = csvExport && reader.csvQuery(spec, query, principal);
    if (copy) return csvExport.send(copy, res);
    const columns = spec.csv.map(([header]) => header);
    // One CSV text per keyset batch (csv-stringify's sync API on the batch's rows), streamed with backpressure:
    // pipeline reads the next batch only when the response has taken the previous ones, so memory stays flat.
    const chunks = Readable.from(
      (async function* () {
        let header = true;
        for await (const batch of reader.batches(spec, query, principal)) {
          yield stringify(
            batch.map((record) => spec.csv.map(([, field]) => csvValue(record[field]))),
            { header, columns },
          );
          header = false;
        }
        if (header) yield stringify([], { header, columns });
      })(),
      { objectMode: false, highWaterMark: 1 },
    );
    await pipeline(chunks, res);
    return;
  }
  const readStart = performance.now();
  const page = await reader.page(spec, query, principal);
  addServerTiming(res, 'list', performance.now() - readStart, 'list reader: estimate, count and page');
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
