import { CompiledQuery, type Expression, type Kysely, type SelectQueryBuilder, sql, type SqlBool } from 'kysely';
import { ForbiddenError } from '@opsledger/messaging';
import type { Principal } from '../../auth/principal';
import type { ListQuery } from './list-query';
import type { ResourceSpec } from './resource-spec';

const OPERATORS = { eq: '=', gte: '>=', lte: '<=', in: 'in' } as const;

/** Up to this many matching rows are counted exactly; past it the planner's estimate is used (and marked). */
export const EXACT_COUNT_LIMIT = 10_000;
const CURSOR_CACHE_SIZE = 2_000;
/** A remembered page start is used for this long; after that the page is read by OFFSET again. */
const CURSOR_TTL_MS = 60_000;

interface Cursor {
  key: [unknown, unknown];
  /** The list's total when the cursor was taken. */
  total: number;
  at: number;
}

export interface Page {
  rows: Record<string, unknown>[];
  total: number;
  estimated: boolean;
}

type Query = SelectQueryBuilder<any, any, any>;

/**
 * Reads a resource's list the way react-admin asks for it (offset ranges)
 * while paging by keyset underneath: each page remembers where the next one
 * starts, so walking forward through a large filtered list never scans the
 * skipped rows again. A range with no remembered start, an old one, one
 * taken before rows were added or removed, or a sort on a field that changes
 * (status, progress) is read by OFFSET.
 */
export class ListReader {
  /** (resource, filters, sort, caller) → first row index → the sort key of the row before it. */
  private readonly cursors = new Map<string, Map<number, Cursor>>();

  constructor(private readonly db: Kysely<any>) {}

  async page(spec: ResourceSpec<any>, query: ListQuery, principal: Principal): Promise<Page> {
    const key = cursorKey(spec, query, principal);
    const limit = query.end - query.start + 1;
    const cursor = spec.keysetSorts.includes(query.sort.field) ? this.cursors.get(key)?.get(query.start) : undefined;
    const fresh = cursor && Date.now() - cursor.at < CURSOR_TTL_MS ? cursor : undefined;
    const byOffset = () => this.ordered(spec, query, principal).limit(limit).offset(query.start).execute();
    const [count, keysetRows] = await Promise.all([
      this.count(spec, query, principal),
      fresh
        ? this.ordered(spec, query, principal)
            .where(this.afterKey(spec, query, fresh.key))
            .limit(limit)
            .execute()
        : undefined,
    ]);
    // A cursor is only as good as the list it was taken from: rows added or
    // removed since then shift the offsets, so the page is read by OFFSET.
    const rows = keysetRows && count.total === fresh!.total ? keysetRows : await byOffset();
    const last = rows.at(-1);
    if (last && rows.length === limit && spec.keysetSorts.includes(query.sort.field)) {
      this.remember(key, query.end + 1, { key: [last[query.sort.column], last[spec.idColumn]], total: count.total, at: Date.now() });
    }
    return { rows: rows.map((r) => spec.toJson(r)), ...count };
  }

  async one(spec: ResourceSpec<any>, id: string, principal: Principal): Promise<Record<string, unknown> | undefined> {
    const row = await this.scoped(spec, principal).where(spec.idColumn, '=', id).executeTakeFirst();
    return row && spec.toJson(row);
  }

  /** Every matching row in list order, read in keyset batches: memory stays flat however many rows there are. */
  async *stream(
    spec: ResourceSpec<any>,
    query: ListQuery,
    principal: Principal,
    batchSize = 1_000,
  ): AsyncGenerator<Record<string, unknown>> {
    let after: [unknown, unknown] | undefined;
    for (;;) {
      let q = this.ordered(spec, query, principal).limit(batchSize);
      if (after) q = q.where(this.afterKey(spec, query, after));
      const rows = await q.execute();
      for (const row of rows) yield spec.toJson(row);
      if (rows.length < batchSize) return;
      const last = rows.at(-1)!;
      after = [last[query.sort.column], last[spec.idColumn]];
    }
  }

  private scoped(spec: ResourceSpec<any>, principal: Principal): Query {
    const q: Query = this.db.selectFrom(spec.table).selectAll();
    if (principal.role === 'admin' || spec.public) return q;
    // Enforced in the query itself: a customer's request cannot reach another customer's rows. A resource that
    // names no owner is not readable by customers at all (fails closed), whatever its route says.
    if (!spec.ownerColumn) throw new ForbiddenError(`${spec.resource} are for staff accounts only`);
    return q.where(spec.ownerColumn, '=', principal.id);
  }

  private filtered(spec: ResourceSpec<any>, query: ListQuery, principal: Principal): Query {
    let q = this.scoped(spec, principal);
    for (const [name, value] of Object.entries(query.filters)) {
      const filter = spec.filters[name]!;
      q = q.where(filter.column, OPERATORS[filter.op], value);
    }
    if (query.q && spec.search) {
      const pattern = `%${query.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      q = q.where((eb) => eb.or(spec.search!.map((column) => eb(column, 'ilike', pattern))));
    }
    return q;
  }

  private ordered(spec: ResourceSpec<any>, query: ListQuery, principal: Principal): Query {
    const direction = query.sort.order === 'ASC' ? 'asc' : 'desc';
    return this.filtered(spec, query, principal).orderBy(query.sort.column, direction).orderBy(spec.idColumn, direction);
  }

  /** Rows strictly after `key` in list order: (sort, id) compared as a tuple, which an index on both serves. */
  private afterKey(spec: ResourceSpec<any>, query: ListQuery, key: [unknown, unknown]) {
    return (eb: any): Expression<SqlBool> =>
      eb(eb.refTuple(query.sort.column, spec.idColumn), query.sort.order === 'ASC' ? '>' : '<', eb.tuple(key[0], key[1]));
  }

  private async count(spec: ResourceSpec<any>, query: ListQuery, principal: Principal): Promise<{ total: number; estimated: boolean }> {
    const filtered = this.filtered(spec, query, principal);
    const capped = await this.db
      .selectFrom(
        filtered
          .clearSelect()
          .select(sql`1`.as('one'))
          .limit(EXACT_COUNT_LIMIT + 1)
          .as('capped'),
      )
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    const n = Number(capped.n);
    if (n <= EXACT_COUNT_LIMIT) return { total: n, estimated: false };
    const compiled = filtered
      .clearSelect()
      .select(sql`1`.as('one'))
      .compile();
    const plan = await this.db.executeQuery<{ 'QUERY PLAN': [{ Plan: { 'Plan Rows': number } }] }>(
      CompiledQuery.raw(`explain (format json) ${compiled.sql}`, [...compiled.parameters]),
    );
    const estimate = plan.rows[0]?.['QUERY PLAN'][0].Plan['Plan Rows'] ?? n;
    return { total: Math.max(n, Math.round(estimate)), estimated: true };
  }

  private remember(key: string, index: number, value: Cursor) {
    let entry = this.cursors.get(key);
    if (!entry) {
      if (this.cursors.size >= CURSOR_CACHE_SIZE) this.cursors.delete(this.cursors.keys().next().value!);
      entry = new Map();
      this.cursors.set(key, entry);
    }
    if (entry.size > 200) entry.clear();
    entry.set(index, value);
  }
}

function cursorKey(spec: ResourceSpec<any>, query: ListQuery, principal: Principal): string {
  const owner = spec.ownerColumn && principal.role !== 'admin' ? principal.id : '*';
  return JSON.stringify([spec.resource, query.filters, query.q ?? '', query.sort.field, query.sort.order, owner]);
}
