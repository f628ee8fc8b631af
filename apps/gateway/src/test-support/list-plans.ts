import { migrateToLatest } from '@opsledger/db';
import type { Projection } from '@opsledger/eventstore';
import { createTestDatabase, type TestDatabase, testEnv } from '@opsledger/testing';
import { CompiledQuery, Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, expect } from 'vitest';
import { parseListQuery, type ListQuery } from '../api/list/list-query';
import { EXACT_COUNT_LIMIT, ListReader } from '../api/list/list-reader';
import type { ResourceSpec } from '../api/list/resource-spec';
import type { Principal } from '../auth/principal';

export interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  'Actual Rows'?: number;
  'Actual Loops'?: number;
  'Rows Removed by Filter'?: number;
  'Rows Removed by Index Recheck'?: number;
  Plans?: PlanNode[];
}

export interface ListPlan {
  sql: string;
  /** Every node of the executed plan, depth first. */
  plan: PlanNode[];
  ms: number;
}

export const admin: Principal = { id: 'admin', email: 'a@x', name: 'A', role: 'admin', via: 'session' };

const nodes = (n: PlanNode): PlanNode[] => [n, ...(n.Plans ?? []).flatMap(nodes)];

/**
 * Rows of the table a plan node looked at: those it returned and those its filter or recheck threw away, over all its
 * loops (EXPLAIN gives them per loop: a search's per-subject read runs once per subject).
 */
export const rowsRead = (n: PlanNode) =>
  ((n['Actual Rows'] ?? 0) + (n['Rows Removed by Filter'] ?? 0) + (n['Rows Removed by Index Recheck'] ?? 0)) * (n['Actual Loops'] ?? 1);

/** A list request's parameters as react-admin sends them (each one JSON), checked as the controller checks them. */
export const listQuery = (spec: ResourceSpec<any>, params: Record<string, unknown>): ListQuery =>
  parseListQuery(spec, Object.fromEntries(Object.entries(params).map(([k, v]) => [k, JSON.stringify(v)])));

/**
 * A list reader on a seeded schema that records the statements it runs, and their executed plans. Plans are taken
 * with sequential scans priced out by default: on a test-sized table a scan can be the planner's cheapest choice, so
 * what is checked is that an index exists that serves the query, as at 10 M rows.
 */
export class ListPlans {
  private captured: CompiledQuery[] = [];
  private readonly pool: pg.Pool;
  readonly db: Kysely<any>;

  constructor(private readonly pgdb: TestDatabase) {
    this.pool = new pg.Pool({ connectionString: testEnv.databaseUrl, max: 2 });
    this.db = new Kysely<any>({
      dialect: new PostgresDialect({ pool: this.pool }),
      log: (e) => void this.captured.push(e.query),
    }).withSchema(pgdb.schema);
  }

  /** What `run` returns, and the statements it ran through `db`. */
  async recording<T>(run: () => Promise<T>): Promise<{ result: T; statements: CompiledQuery[] }> {
    this.captured = [];
    const result = await run();
    return { result, statements: this.captured };
  }

  /** The executed plans of every statement one page runs, its own `explain` for an estimate excluded. */
  async plansOf(spec: ResourceSpec<any>, query: ListQuery, principal = admin, { seqscan = false } = {}): Promise<ListPlan[]> {
    const { statements } = await this.recording(() => new ListReader(this.db).page(spec, query, principal));
    const plans: ListPlan[] = [];
    for (const q of statements.filter((q) => !q.sql.startsWith('explain'))) {
      const [explained] = await this.pgdb.db.transaction().execute(async (trx) => {
        if (!seqscan) await sql`set local enable_seqscan = off`.execute(trx);
        const { rows } = await trx.executeQuery<{ 'QUERY PLAN': [{ Plan: PlanNode; 'Execution Time': number }] }>(
          CompiledQuery.raw(`explain (analyze, format json) ${q.sql}`, [...q.parameters]),
        );
        return rows[0]!['QUERY PLAN'];
      });
      plans.push({ sql: q.sql, plan: nodes(explained.Plan), ms: explained['Execution Time'] });
    }
    return plans;
  }

  async destroy() {
    await this.db.destroy();
  }
}

/**
 * A page of `table` and its count read through indexes: no sequential scan (but the capped count's of a filter most
 * rows match, which stops after EXACT_COUNT_LIMIT + 1 rows), and no statement looking at more than twice the capped
 * count's rows (no whole index walked to find a rare value).
 */
export function expectIndexed(plans: ListPlan[], table: string): void {
  expect(plans.filter(({ plan }) => plan.some((n) => n['Relation Name'] === table)).length).toBeGreaterThan(0);
  for (const { sql: query, plan } of plans) {
    const reads = plan.filter((n) => n['Relation Name']);
    if (!query.includes('as "capped"'))
      expect(reads.map((n) => `${n['Node Type']} ${n['Index Name'] ?? ''}`).join('; '), query).not.toMatch(/Seq Scan/);
    const scans = plan.filter((n) => n['Relation Name'] === table);
    expect(Math.max(0, ...scans.map(rowsRead)), query).toBeLessThanOrEqual(2 * (EXACT_COUNT_LIMIT + 1));
  }
}

/**
 * For one test file: a database schema of its own with the projections' tables, seeded once and analyzed from every
 * row (not a sample, so the planner's estimates and the plans checked are the same each run), and a ListPlans on it.
 * Dropped after the file's tests.
 */
export function seededLists(
  name: string,
  projections: (schema: string) => Projection<any>[],
  seed: (db: Kysely<any>, schema: string) => Promise<unknown>,
): { pgdb: TestDatabase; plans: ListPlans } {
  const seeded = {} as { pgdb: TestDatabase; plans: ListPlans };
  beforeAll(async () => {
    const pgdb = await createTestDatabase(name);
    seeded.pgdb = pgdb;
    const all = projections(pgdb.schema);
    for (const p of all) await migrateToLatest(pgdb.db, pgdb.schema, p.migrations!, `migrations_${p.name}`);
    await seed(pgdb.db, pgdb.schema);
    await pgdb.db.transaction().execute(async (trx) => {
      await sql`set local default_statistics_target = 1000`.execute(trx);
      for (const table of all.flatMap((p) => p.tables)) await sql`analyze ${sql.table(`${pgdb.schema}.${table}`)}`.execute(trx);
    });
    seeded.plans = new ListPlans(pgdb);
  }, 120_000);
  afterAll(async () => {
    await seeded.plans?.destroy();
    await seeded.pgdb?.dispose();
  });
  return seeded;
}
