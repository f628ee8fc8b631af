import { CompiledQuery, type Expression, type ExpressionBuilder, type Kysely, type SelectQueryBuilder, sql, type SqlBool } from 'kysely';
import { ForbiddenError, ValidationError } from '@opsledger/messaging';
import type { Principal } from '../../auth/principal';
import type { ListQuery } from './list-query';
import type { CsvCopyColumn } from './csv-columns';
import type { ResourceSpec } from './resource-spec';

const OPERATORS = { eq: '=', gte: '>=', lte: '<=', in: 'in' } as const;

/**
 * Up to this many matching rows are counted exactly; past it the planner's estimate is used (and marked), unless the
 * total is known without counting (a search's subjects' own counts).
 */
export const EXACT_COUNT_LIMIT = 10_000;
/** A planner estimate this far past the exact limit is taken as it is: the list is large, counting would only confirm it. */
const TRUST_ESTIMATE_ABOVE = 10 * EXACT_COUNT_LIMIT;
const CURSOR_CACHE_SIZE = 2_000;
/** A remembered page start is used for this long; after that the page is read by OFFSET again. */
const CURSOR_TTL_MS = 60_000;
/**
 * At most this many rows are skipped by OFFSET to reach a page (counted from the nearest remembered page start before it).
 * Further is refused: at 10 M rows an OFFSET of millions walks millions of index entries for one page.
 */
export const MAX_SKIP = 10_000;
/**
 * A search matching at most this many subjects (e.g. services) reads each one's rows by its own index range, as far as
 * the page reaches; one matching more reads the list in order and keeps the rows whose subject matched.
 */
const SEARCH_FANOUT = 200;
/** The most rows a page read subject by subject may read (subjects × rows to the page's end); past it, list order. */
const PER_SUBJECT_ROWS = 50_000;

interface Cursor {
  /** The order columns' values of the row before the page (see `orderColumns`). */
  key: unknown[];
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

/** A search's matching subjects, when few: each one's identity (the `counts.on` columns), and how many rows name them. */
interface Narrowed {
  subjects: Record<string, string>[];
  rows: number;
}

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
    const keyset = spec.keysetSorts.includes(query.sort.field);
    // The nearest remembered page start at or before this one: the page is read from there, skipping only the rows between.
    const cursor = keyset ? this.nearest(key, query.start) : undefined;
    // Both refusals before anything is read, the search's subjects included.
    assertReadable(spec, principal);
    if (!cursor && query.start > MAX_SKIP) throw tooDeep(query.start);
    const narrowed = await this.narrow(spec, query);
    if (narrowed?.subjects.length === 0) return { rows: [], total: 0, estimated: false };
    const byOffset = async () => {
      if (query.start > MAX_SKIP) throw tooDeep(query.start);
      return this.rows(spec, query, principal, narrowed, undefined, query.start, limit);
    };
    // The page is read while the total is counted: neither waits for the other.
    const [count, read] = await Promise.all([
      this.count(spec, query, principal, narrowed),
      cursor ? this.rows(spec, query, principal, narrowed, cursor.value.key, query.start - cursor.index, limit) : byOffset(),
    ]);
    // A cursor is only as good as the list it was taken from: rows added or
    // removed since then shift the offsets, so the page is read by OFFSET.
    const rows = !cursor || count.total === cursor.value.total ? read : await byOffset();
    const last = rows.at(-1);
    if (last && rows.length === limit && keyset) {
      this.remember(key, query.end + 1, { key: this.orderColumns(spec, query).map((c) => last[c]), total: count.total, at: Date.now() });
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
    for await (const batch of this.batches(spec, query, principal, batchSize)) yield* batch;
  }

  /**
   * Every matching row in list order, a keyset batch at a time (each batch one index range read): a consumer that
   * handles rows in bulk (the CSV export) pays the per-item cost of an async iterator once per batch, not per row.
   */
  async *batches(
    spec: ResourceSpec<any>,
    query: ListQuery,
    principal: Principal,
    batchSize = 5_000,
  ): AsyncGenerator<Record<string, unknown>[]> {
    let after: unknown[] | undefined;
    for (;;) {
      let q = this.ordered(spec, query, principal).limit(batchSize);
      if (after) q = q.where(this.afterKey(spec, query, after));
      const rows = await q.execute();
      if (rows.length) yield rows.map((row) => spec.toJson(row));
      if (rows.length < batchSize) return;
      const last = rows.at(-1)!;
      after = this.orderColumns(spec, query).map((c) => last[c]);
    }
  }

  /**
   * The whole filtered list in list order as the CSV columns (headers as names), for Postgres to write as CSV; undefined
   * when a column of the resource's CSV names no table column. The same scoping and filters as a page.
   */
  csvQuery(spec: ResourceSpec<any>, query: ListQuery, principal: Principal): CompiledQuery | undefined {
    const columns = spec.csv.map(([header, , copy]) => copy && { header, ...copy });
    if (!columns.every((c) => c !== undefined)) return undefined;
    return this.ordered(spec, query, principal)
      .clearSelect()
      .select(columns.map((c) => csvCell(c.column, c.kind).as(c.header)))
      .compile();
  }

  private scoped(spec: ResourceSpec<any>, principal: Principal): Query {
    const q: Query = this.db.selectFrom(spec.table).selectAll();
    if (assertReadable(spec, principal) === 'all') return q;
    // Enforced in the query itself: a customer's request cannot reach another customer's rows.
    return q.where(spec.ownerColumn!, '=', principal.id);
  }

  private filtered(spec: ResourceSpec<any>, query: ListQuery, principal: Principal, narrowed?: Narrowed): Query {
    let q = this.scoped(spec, principal);
    for (const [name, value] of Object.entries(query.filters)) {
      const filter = spec.filters[name]!;
      q = q.where(filter.column, OPERATORS[filter.op], value);
    }
    // Narrowed, the query is read once per matching subject (perSubject), restricted to the rows naming it: those match.
    if (query.q && spec.search && !narrowed) {
      const matches = searchMatch(spec.search, query.q);
      q = q.where(matches);
      const subjects = spec.searchSubjects;
      if (subjects) q = q.where(subjects.key, 'in', this.db.selectFrom(subjects.table).select(subjects.key).where(matches));
    }
    return q;
  }

  /**
   * A search over a resource with subjects: the matching subjects, read once, when there are few of them (see
   * SEARCH_FANOUT); undefined otherwise.
   */
  private async narrow(spec: ResourceSpec<any>, query: ListQuery): Promise<Narrowed | undefined> {
    const subjects = spec.searchSubjects;
    if (!query.q || !spec.search || !subjects) return undefined;
    const { counts } = subjects;
    // The few subjects first (the limit stops a search that matches most of them early), then their counts.
    const matching = this.db
      .selectFrom(subjects.table)
      .select(counts.on)
      .where(searchMatch(spec.search, query.q))
      .limit(SEARCH_FANOUT + 1)
      .as('s');
    const found = await this.db
      .selectFrom(matching)
      .leftJoin(`${counts.table} as c`, (join) => counts.on.reduce((j, column) => j.onRef(`s.${column}`, '=', `c.${column}`), join))
      .selectAll('s')
      .select(`c.${counts.column} as rows`)
      .execute();
    if (found.length > SEARCH_FANOUT) return undefined;
    return {
      subjects: found.map((row) => Object.fromEntries(counts.on.map((column) => [column, String(row[column])]))),
      rows: found.reduce((sum, row) => sum + Number(row.rows ?? 0), 0),
    };
  }

  /**
   * A page's rows: `limit` rows from `offset`, after the row whose order columns are `after` when given. For a narrowed
   * search, each subject's rows are read by their own index range up to the page's end, then merged and cut: a few
   * hundred rows read and matched instead of every row of every matching subject.
   */
  private async rows(
    spec: ResourceSpec<any>,
    query: ListQuery,
    principal: Principal,
    narrowed: Narrowed | undefined,
    after: unknown[] | undefined,
    offset: number,
    limit: number,
  ): Promise<Record<string, unknown>[]> {
    // Deep pages over many subjects would read each one's rows down to the page: the list order finds them sooner.
    const each = narrowed && narrowed.subjects.length * (offset + limit) <= PER_SUBJECT_ROWS ? narrowed : undefined;
    let q = this.ordered(spec, query, principal, each);
    if (after) q = q.where(this.afterKey(spec, query, after));
    if (!each) return q.limit(limit).offset(offset).execute();
    const direction = query.sort.order === 'ASC' ? 'asc' : 'desc';
    return this.orderColumns(spec, query)
      .reduce(
        (outer, column) => outer.orderBy(`each.${column}`, direction),
        this.perSubject(spec, each, q.limit(offset + limit)).selectAll('each'),
      )
      .limit(limit)
      .offset(offset)
      .execute();
  }

  /** `query` run once for each of the narrowed subjects, on the rows naming it, as the lateral table `each`. */
  private perSubject(spec: ResourceSpec<any>, narrowed: Narrowed, query: Query) {
    const on = spec.searchSubjects!.counts.on;
    const columns = sql.join(on.map((column) => sql`${narrowed.subjects.map((s) => s[column]!)}::text[]`));
    const naming = on.reduce((q, column) => q.where(column, '=', sql.ref(`subject.${column}`)), query);
    return this.db
      .selectFrom(sql`unnest(${columns})`.as<'subject'>(sql`subject(${sql.join(on.map((column) => sql.id(column)))})`))
      .innerJoinLateral(naming.as('each'), (join) => join.onTrue());
  }

  /**
   * The list's order: the sort column, then the default sort's column, then the id. The middle tie-break lets one index
   * per filter or sort column, `(column, created_at, id)`, serve both "filtered, newest first" and "sorted by column".
   */
  private orderColumns(spec: ResourceSpec<any>, query: ListQuery): string[] {
    return [...new Set([query.sort.column, spec.sortable[spec.defaultSort[0]]!, spec.idColumn])];
  }

  private ordered(spec: ResourceSpec<any>, query: ListQuery, principal: Principal, narrowed?: Narrowed): Query {
    const direction = query.sort.order === 'ASC' ? 'asc' : 'desc';
    return this.orderColumns(spec, query).reduce(
      (q, column) => q.orderBy(column, direction),
      this.filtered(spec, query, principal, narrowed),
    );
  }

  /** Rows strictly after `key` in list order: the order columns compared as a tuple, which an index on them serves. */
  private afterKey(spec: ResourceSpec<any>, query: ListQuery, key: unknown[]) {
    return (eb: any): Expression<SqlBool> =>
      eb(eb.refTuple(...this.orderColumns(spec, query)), query.sort.order === 'ASC' ? '>' : '<', eb.tuple(...key));
  }

  private nearest(key: string, start: number): { index: number; value: Cursor } | undefined {
    let best: { index: number; value: Cursor } | undefined;
    const now = Date.now();
    for (const [index, value] of this.cursors.get(key) ?? []) {
      if (index <= start && start - index <= MAX_SKIP && now - value.at < CURSOR_TTL_MS && (!best || index > best.index))
        best = { index, value };
    }
    return best;
  }

  /**
   * The list's total: exact up to EXACT_COUNT_LIMIT rows, the planner's estimate (marked) past it. The estimate is
   * asked first: when it is far past the limit (a large list), counting even the capped rows is skipped. A narrowed
   * search with no other filter, over rows every caller sees, totals the matching subjects' own counts: exact, no row
   * read; with other filters its rows are counted subject by subject.
   */
  private async count(
    spec: ResourceSpec<any>,
    query: ListQuery,
    principal: Principal,
    narrowed?: Narrowed,
  ): Promise<{ total: number; estimated: boolean }> {
    const filtered = this.filtered(spec, query, principal, narrowed)
      .clearSelect()
      .select(sql`1`.as('one'));
    if (narrowed) {
      const unscoped = assertReadable(spec, principal) === 'all';
      if (unscoped && Object.keys(query.filters).length === 0) return { total: narrowed.rows, estimated: false };
      // Each subject's rows, capped, counted: the subjects' own total is the bound past the cap.
      const capped = await this.db
        .selectFrom(
          this.perSubject(spec, narrowed, filtered.limit(EXACT_COUNT_LIMIT + 1))
            .select('each.one')
            .limit(EXACT_COUNT_LIMIT + 1)
            .as('capped'),
        )
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow();
      const n = Number(capped.n);
      if (n <= EXACT_COUNT_LIMIT) return { total: n, estimated: false };
      // Past the cap: the planner's estimate of the filtered search, at most the matching subjects' own total.
      return { total: Math.min(narrowed.rows, Math.max(n, await this.estimate(this.filtered(spec, query, principal)))), estimated: true };
    }
    const estimate = await this.estimate(filtered);
    if (estimate > TRUST_ESTIMATE_ABOVE) return { total: estimate, estimated: true };
    const capped = await this.db
      .selectFrom(filtered.limit(EXACT_COUNT_LIMIT + 1).as('capped'))
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    const n = Number(capped.n);
    if (n <= EXACT_COUNT_LIMIT) return { total: n, estimated: false };
    return { total: Math.max(n, estimate), estimated: true };
  }

  /** The planner's estimate of how many rows `query` returns. */
  private async estimate(query: Query): Promise<number> {
    const compiled = query.compile();
    const plan = await this.db.executeQuery<{ 'QUERY PLAN': [{ Plan: { 'Plan Rows': number } }] }>(
      CompiledQuery.raw(`explain (format json) ${compiled.sql}`, [...compiled.parameters]),
    );
    return Math.round(plan.rows[0]?.['QUERY PLAN'][0].Plan['Plan Rows'] ?? 0);
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

/**
 * Which of the resource's rows the caller may read: all (staff, or a public resource) or their own. A resource that
 * names no owner is not readable by customers at all (fails closed), whatever its route says.
 */
function assertReadable(spec: ResourceSpec<any>, principal: Principal): 'all' | 'own' {
  if (principal.role === 'admin' || spec.public) return 'all';
  if (!spec.ownerColumn) throw new ForbiddenError(`${spec.resource} are for staff accounts only`);
  return 'own';
}

/** The free-text search: any of the columns holds `q` as a case-insensitive substring (no wildcards of its own). */
function searchMatch(columns: string[], q: string) {
  const pattern = `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  return (eb: ExpressionBuilder<any, any>) => eb.or(columns.map((column) => eb(column, 'ilike', pattern)));
}

const tooDeep = (start: number) =>
  new ValidationError([
    {
      field: 'range',
      rule: 'max_skip',
      message: `starts ${start.toLocaleString('en-US')} rows in, more than ${MAX_SKIP.toLocaleString('en-US')} past the last page read; page forward from there, or narrow the list with a filter (e.g. createdAt_lte)`,
    },
  ]);

function cursorKey(spec: ResourceSpec<any>, query: ListQuery, principal: Principal): string {
  const owner = spec.ownerColumn && principal.role !== 'admin' ? principal.id : '*';
  return JSON.stringify([spec.resource, query.filters, query.q ?? '', query.sort.field, query.sort.order, owner]);
}

// A cell as the JSON path writes it (list-responder's csvValue): formulas neutralised, times as the API's ISO 8601.
function csvCell(column: string, kind: CsvCopyColumn['kind']) {
  const ref = sql.ref(column);
  if (kind === 'time') return sql<string>`to_char(${ref} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
  // An empty text as an empty cell, as csv-stringify writes it (Postgres would quote it to tell it from NULL).
  if (kind === 'text') return sql<string>`nullif(case when ${ref} ~ '^[-=+@\\t\\r]' then '''' || ${ref} else ${ref} end, '')`;
  return sql<string>`${ref}`;
}
