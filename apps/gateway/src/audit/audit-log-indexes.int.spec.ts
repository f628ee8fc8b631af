import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { EXACT_COUNT_LIMIT } from '../api/list/list-reader';
import { listQuery, rowsRead, seededLists } from '../test-support/list-plans';
import { auditLogReadSpec, auditLogResource, withPrefixRange } from './audit-log.resource';
import { auditProjection } from './audit.projection';

// Plan shape, not timing: every filter of the Audit Log is read through an index on a few hundred thousand entries
// shaped like a real log (most actions are task.*, user.* a tenth, provisioning.* one in a hundred), never by scanning
// the table nor by reading far more entries than the page and its capped count need.
const ROWS = 300_000;

const lists = seededLists(
  'opsledger-audit-indexes',
  (schema) => [auditProjection(schema)],
  async (db, schema) => {
    // One entry a minute going back; the action mix of a busy platform.
    await sql`
    insert into ${sql.table(`${schema}.audit_entry`)}
      (sequence, id, source_event_id, source_event_type, source_stream, actor_kind, actor_id, actor_email, actor_role,
       source, client_ip, os_user, host, action, resource_type, resource_id, correlation_id, occurred_at, diff, prev_hash, hash)
    select n, 'e' || n, 'ev' || n, 'platform.x.v1.Y', 'X', 'staff', 'admin-' || (n % 50), 'a' || (n % 50) || '@x.test', 'admin',
      (array['console','console','console','console','console','console','console','api','api','cli'])[1 + n % 10],
      '203.0.113.' || (n % 250), '', '',
      a.action, split_part(a.action, '.', 1), 'r' || (n % 20000), 'corr-' || (n / 3), now() - make_interval(mins => ${ROWS} - n), '[]'::jsonb,
      'p' || n, 'h' || n
    from generate_series(1, ${ROWS}) n
    cross join lateral (select case
      when n % 100 = 0 then 'provisioning.prune'
      when n % 100 < 6 then 'user.' || (array['create','delete','role_change','disable','password_change'])[1 + n % 5]
      when n % 100 < 10 then 'user.sign_in_settings'
      when n % 100 < 20 then 'template.edit'
      when n % 100 < 25 then 'setting.edit'
      when n % 100 < 60 then 'task.retry'
      when n % 100 < 80 then 'task.create'
      else 'task.cancel' end as action) a
  `.execute(db);
  },
);

/** The executed plans of the queries one list request runs, and (for the record) the planner's own choice at this size. */
async function plansOf(params: Record<string, unknown>) {
  const parsed = listQuery(auditLogResource, params);
  const query = { ...parsed, filters: withPrefixRange(parsed.filters) };
  // Checked with sequential scans priced out (as list-indexes.int.spec.ts does): what matters is that an index serves
  // the query at any size.
  const forced = await lists.plans.plansOf(auditLogReadSpec, query);
  const free = await lists.plans.plansOf(auditLogReadSpec, query, undefined, { seqscan: true });
  return forced.map((p) => {
    const own = free.find((f) => f.sql === p.sql)!;
    return { ...p, freeMs: own.ms, free: own.plan };
  });
}

const daysAgo = (d: number) => new Date(Date.now() - d * 86_400_000).toISOString();
const cases: Record<string, unknown>[] = [
  {},
  { filter: { action: 'user.delete' } },
  { filter: { actionPrefix: 'user.' } },
  { filter: { actionPrefix: 'provisioning.' } },
  { filter: { actionPrefix: 'task.' } },
  { filter: { actorId: 'admin-7' } },
  { filter: { resourceType: 'user', resourceId: 'r1234' } },
  { filter: { source: 'cli' } },
  { filter: { correlationId: 'corr-4242' } },
  { filter: { from: daysAgo(30), to: daysAgo(20) } },
  { filter: { actionPrefix: 'user.', from: daysAgo(30), to: daysAgo(20) } },
  { filter: { actorId: 'admin-7', actionPrefix: 'user.' } },
];

describe(`every Audit Log filter is read through an index (${ROWS.toLocaleString('en-US')} entries)`, () => {
  it.each(cases.map((params) => ({ name: JSON.stringify(params), params })))('$name', async ({ params }) => {
    const read = await plansOf(params);
    expect(read.length).toBeGreaterThanOrEqual(1);
    for (const { sql: query, plan, ms, freeMs, free } of read) {
      const scans = plan.filter((n) => n['Relation Name'] === 'audit_entry');
      expect(scans.length, query).toBeGreaterThan(0);
      expect(scans.map((n) => `${n['Node Type']} ${n['Index Name'] ?? ''}`).join('; '), query).not.toMatch(/Seq Scan/);
      expect(Math.max(...scans.map(rowsRead)), query).toBeLessThanOrEqual(2 * (EXACT_COUNT_LIMIT + 1));
      console.info(
        `${JSON.stringify(params)} ${query.includes('"capped"') ? 'count' : 'page '} ${ms.toFixed(2)} ms: ${scans.map((n) => `${n['Node Type']} ${n['Index Name'] ?? ''} (${rowsRead(n)} rows)`).join('; ')}; planner's own choice ${freeMs.toFixed(2)} ms: ${free
          .filter((n) => n['Relation Name'] === 'audit_entry')
          .map((n) => `${n['Node Type']} ${n['Index Name'] ?? ''}`)
          .join('; ')}`,
      );
    }
  });
});
