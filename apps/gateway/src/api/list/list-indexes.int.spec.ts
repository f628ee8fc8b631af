import { describe, expect, it } from 'vitest';
import type { Principal } from '../../auth/principal';
import { provisioningLogProjection } from '../../provisioning/provisioning-log.projection';
import { provisioningLogResource } from '../../provisioning/provisioning-log.resource';
import { taskListProjection } from '../../tasks/task-list.projection';
import { tasksResource } from '../../tasks/tasks.resource';
import { admin, expectIndexed, listQuery, seededLists } from '../../test-support/list-plans';
import { seedProvisioningLog, seedTasks } from '../../test-support/list-seed';
import { parseListQuery } from './list-query';
import { EXACT_COUNT_LIMIT, ListReader } from './list-reader';
import type { ResourceSpec } from './resource-spec';

// Plan shape, not timing: every filter and sort a list page offers is read through an index, never by scanning the
// whole table (nor by walking a whole index). The reader's own queries (page and count) are captured and explained on
// a seeded table (see seededLists).
const ROWS = 60_000;
const customer: Principal = { ...admin, id: 'user-42', role: 'customer' };
const hourAgo = () => new Date(Date.now() - 3_600_000).toISOString();

const lists = seededLists(
  'opsledger-list-indexes',
  (schema) => [taskListProjection(schema), provisioningLogProjection(schema)],
  async (db, schema) => {
    await seedTasks(db, schema, 1, ROWS, ROWS);
    await seedProvisioningLog(db, schema, 1, ROWS, ROWS);
  },
);

const plansOf = (spec: ResourceSpec<any>, params: Record<string, unknown>, principal = admin) =>
  lists.plans.plansOf(spec, listQuery(spec, params), principal);

const cases: [string, ResourceSpec<any>, string, Record<string, unknown>, Principal?][] = [
  ['tasks', tasksResource, 'task', {}],
  ['tasks', tasksResource, 'task', { sort: ['createdAt', 'ASC'] }],
  ['tasks', tasksResource, 'task', { filter: { status: 'failed' } }],
  ['tasks', tasksResource, 'task', { filter: { status: 'pending' } }],
  ['tasks', tasksResource, 'task', { filter: { type: 'instance.backup' } }],
  ['tasks', tasksResource, 'task', { filter: { type: 'instance.migrate', status: 'pending' } }],
  ['tasks', tasksResource, 'task', { filter: { type: 'instance.deploy', status: 'failed' } }],
  ['tasks', tasksResource, 'task', { filter: { hypervisorId: 'hv-17' } }],
  ['tasks', tasksResource, 'task', { filter: { instanceId: 'inst-4242' } }],
  ['tasks', tasksResource, 'task', { filter: { userId: 'user-42' } }],
  ['tasks', tasksResource, 'task', { filter: { createdAt_gte: hourAgo() } }],
  ['tasks', tasksResource, 'task', { filter: { hypervisorId: 'hv-17', createdAt_gte: hourAgo() } }],
  ['tasks', tasksResource, 'task', { sort: ['updatedAt', 'DESC'] }],
  ['tasks', tasksResource, 'task', { sort: ['type', 'ASC'] }],
  ['tasks', tasksResource, 'task', { sort: ['status', 'DESC'] }],
  ['tasks', tasksResource, 'task', { sort: ['progress', 'ASC'] }],
  ['tasks', tasksResource, 'task', {}, customer],
  ['provisioning-log', provisioningLogResource, 'provisioning_log', {}],
  ['provisioning-log', provisioningLogResource, 'provisioning_log', { filter: { status: 'failed' } }],
  ['provisioning-log', provisioningLogResource, 'provisioning_log', { filter: { status: 'success' } }],
  ['provisioning-log', provisioningLogResource, 'provisioning_log', { filter: { action: 'terminate' } }],
  ['provisioning-log', provisioningLogResource, 'provisioning_log', { filter: { action: 'suspend', status: 'failed' } }],
  ['provisioning-log', provisioningLogResource, 'provisioning_log', { filter: { serviceId: 'svc-4242' } }],
  ['provisioning-log', provisioningLogResource, 'provisioning_log', { filter: { createdAt_gte: hourAgo() } }],
  ['provisioning-log', provisioningLogResource, 'provisioning_log', { filter: { q: 'site4242.example' } }],
  ['provisioning-log', provisioningLogResource, 'provisioning_log', { filter: { q: 'Client 1234' } }],
  ['provisioning-log', provisioningLogResource, 'provisioning_log', { filter: { q: 'Client 1234', status: 'failed' } }],
  ['provisioning-log', provisioningLogResource, 'provisioning_log', { filter: { q: 'ITE42' } }],
];

describe('every filter and sort of the list pages is read through an index', () => {
  it.each(
    cases.map(([resource, spec, table, params, principal]) => ({
      name: `${resource} ${JSON.stringify(params)}${principal ? ' as a customer' : ''}`,
      spec,
      table,
      params,
      principal,
    })),
  )('$name', async ({ spec, table, params, principal }) => {
    const read = await plansOf(spec, params, principal);
    expect(read.length).toBeGreaterThanOrEqual(2); // the page and its count (or a search's subjects and its page)
    expectIndexed(read, table);
  });
});

it("a search with the rare status reads only the matching services' failures, each by its own index range", async () => {
  const read = await plansOf(provisioningLogResource, { filter: { q: 'Client 1234', status: 'failed' } });
  const scans = read.flatMap(({ plan }) => plan).filter((n) => n['Relation Name'] === 'provisioning_log');
  expect(scans.length).toBeGreaterThan(0);
  expect(new Set(scans.map((n) => n['Index Name']))).toEqual(new Set(['provisioning_log_failed_service_created']));
  expect(scans.reduce((sum, n) => sum + (n['Rows Removed by Filter'] ?? 0), 0)).toBe(0);
});

describe('deep pages', () => {
  it('a page far past any remembered page start is refused, naming the range and the rule; one after a page read is keyset', async () => {
    const reader = new ListReader(lists.plans.db);
    const q = (start: number) => parseListQuery(tasksResource, { range: JSON.stringify([start, start + 24]) });
    await expect(reader.page(tasksResource, q(1_000_000), admin)).rejects.toMatchObject({
      violations: [{ field: 'range', rule: 'max_skip' }],
    });
    // Walk to row 10,000 by OFFSET, then page past it by keyset from there.
    await reader.page(tasksResource, q(9_975), admin);
    const { result: page, statements } = await lists.plans.recording(() => reader.page(tasksResource, q(10_000), admin));
    expect(page.rows).toHaveLength(25);
    expect(statements.some((c) => c.sql.includes('("created_at", "id") < ('))).toBe(true);
    const expected = await lists.pgdb.db
      .withSchema(lists.pgdb.schema)
      .selectFrom('task')
      .select('id')
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .offset(10_000)
      .limit(25)
      .execute();
    expect(page.rows.map((r) => r.id)).toEqual(expected.map((r) => r.id));
  });
});

describe('search through the subjects table', () => {
  // A few matching subjects are read one by one and totalled from their counts; many (ITE42: 1,111 services) through
  // the list's order. Either way the page and its total are a substring match's over every row.
  const searches: [string, Record<string, unknown>][] = [
    ['site4242.example', {}],
    ['Client 1234', {}],
    ['Client 1234', { range: [25, 49] }],
    ['Client 1234', { sort: ['createdAt', 'ASC'] }],
    ['Client 123', { status: 'success' }],
    ['Client 123', { action: 'create', createdAt_gte: new Date(0).toISOString() }],
    ['ITE42', {}],
    ['ITE42', { status: 'failed' }],
    ['%', {}],
    ['no such subject', {}],
  ];
  it.each(searches.map(([q, more]) => ({ q, more, name: `q=${q} ${JSON.stringify(more)}` })))(
    '$name: exactly the page and total a substring match over every row gives',
    async ({ q, more }) => {
      const { range = [0, 199], sort = ['createdAt', 'DESC'], ...filters } = more as { range?: number[]; sort?: string[]; status?: string };
      const reader = new ListReader(lists.plans.db);
      const page = await reader.page(
        provisioningLogResource,
        parseListQuery(provisioningLogResource, {
          filter: JSON.stringify({ q, ...filters }),
          range: JSON.stringify(range),
          sort: JSON.stringify(sort),
        }),
        admin,
      );
      const pattern = `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      const direction = sort[1] === 'ASC' ? 'asc' : 'desc';
      const matching = Object.entries(filters).reduce(
        (query, [field, value]) =>
          field === 'createdAt_gte' ? query.where('created_at', '>=', new Date(value as string)) : query.where(field, '=', value),
        lists.pgdb.db
          .withSchema(lists.pgdb.schema)
          .selectFrom('provisioning_log')
          .where((eb) => eb.or([eb('domain', 'ilike', pattern), eb('client_name', 'ilike', pattern)])),
      );
      const expected = await matching
        .select('id')
        .orderBy('created_at', direction)
        .orderBy('id', direction)
        .offset(range[0]!)
        .limit(range[1]! - range[0]! + 1)
        .execute();
      const { n } = await matching.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
      expect(page.rows.map((r) => r.id)).toEqual(expected.map((r) => r.id));
      // Exact wherever it says so (a search's subjects' counts are, however many); estimated only past the cap.
      if (page.estimated) expect(Number(n)).toBeGreaterThan(EXACT_COUNT_LIMIT);
      else expect(page.total).toBe(Number(n));
      if (!['%', 'no such subject'].includes(q) && !filters.status) expect(page.rows.length).toBeGreaterThan(0);
    },
  );
});

describe('paging a search forward', () => {
  it('the next page starts after the last row of the one before (keyset, subject by subject), as OFFSET would', async () => {
    const reader = new ListReader(lists.plans.db);
    const page = (start: number) =>
      reader.page(
        provisioningLogResource,
        parseListQuery(provisioningLogResource, {
          filter: JSON.stringify({ q: 'Client 1234' }),
          range: JSON.stringify([start, start + 24]),
        }),
        admin,
      );
    const expected = await lists.pgdb.db
      .withSchema(lists.pgdb.schema)
      .selectFrom('provisioning_log')
      .select('id')
      .where((eb) => eb.or([eb('domain', 'ilike', '%Client 1234%'), eb('client_name', 'ilike', '%Client 1234%')]))
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .limit(50)
      .execute();
    expect(expected.length).toBeGreaterThan(25); // a second page, read from the first one's end
    const seen = [];
    for (const start of [0, 25]) {
      const { result, statements } = await lists.plans.recording(() => page(start));
      seen.push(...result.rows.map((r) => r.id));
      if (start > 0) expect(statements.some((c) => c.sql.includes('("created_at", "id") < ('))).toBe(true);
    }
    expect(seen).toEqual(expected.map((r) => r.id));
  });
});

describe('a list with no index for a substring search offers none', () => {
  it('tasks refuses q, naming the exact filters it has', () => {
    expect(() => parseListQuery(tasksResource, { filter: JSON.stringify({ q: 'inst-42' }) })).toThrow(
      expect.objectContaining({
        violations: [expect.objectContaining({ field: 'filter.q', message: expect.stringMatching(/instanceId, createdAt_gte/) })],
      }),
    );
  });
});
