import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { ListReader } from '../api/list/list-reader';
import { admin, expectIndexed, listQuery, seededLists } from '../test-support/list-plans';
import { servicesProjection } from './services.projection';
import { servicesResource } from './services.resource';

// Plan shape, not timing: every filter, sort and search of the Services page is read through an index on hosting
// accounts shaped like a real platform's (most active, 1 % pending; 20 panel servers; 50,000 clients), never by
// scanning the table nor by walking an index past the rows a rare value or a search has.
const ROWS = 200_000;

const lists = seededLists(
  'opsledger-services-indexes',
  (schema) => [servicesProjection(schema)],
  async (db, schema) => {
    // One account a minute going back.
    await sql`
    insert into ${sql.table(`${schema}.service`)}
      (id, domain, client_name, username, package, panel_server_id, state, created_at, updated_at)
    select 'svc-' || n, 'site' || n || '.example', 'Client ' || (n % 50000), 'u' || lpad(n::text, 7, '0'), 'basic',
      'panel-' || (n % 20),
      case when n % 100 = 0 then 'pending' when n % 19 = 1 then 'suspended' when n % 23 = 2 then 'terminated' else 'active' end,
      now() - make_interval(mins => ${ROWS} - n), now() - make_interval(mins => (${ROWS} - n) / 2)
    from generate_series(1, ${ROWS}) n`.execute(db);
  },
);

const cases: Record<string, unknown>[] = [
  {},
  { sort: ['createdAt', 'ASC'] },
  { sort: ['domain', 'ASC'] },
  { sort: ['updatedAt', 'DESC'] },
  { filter: { state: 'active' } },
  { filter: { state: 'pending' } },
  { filter: { panelServerId: 'panel-7' } },
  { filter: { state: 'suspended', panelServerId: 'panel-7' } },
  { filter: { q: 'site4242.example' } },
  { filter: { q: 'site' } },
  { filter: { q: 'Client 1234' } },
  { filter: { q: 'u0042424' } },
  { filter: { q: 'site4242.example', state: 'active' } },
  { filter: { q: 'Client 1234' }, sort: ['domain', 'ASC'] },
];

describe(`every Services filter, sort and search is read through an index (${ROWS.toLocaleString('en-US')} accounts)`, () => {
  it.each(cases.map((params) => ({ name: JSON.stringify(params), params })))('$name', async ({ params }) => {
    expectIndexed(await lists.plans.plansOf(servicesResource, listQuery(servicesResource, params)), 'service');
  });

  it('a search matches a substring of the domain, the client or the username, in any case', async () => {
    const search = async (q: string) =>
      (await new ListReader(lists.plans.db).page(servicesResource, listQuery(servicesResource, { filter: { q } }), admin)).rows.map(
        (r) => r.id,
      );
    expect(await search('ITE4242.')).toEqual(['svc-4242']);
    expect(await search('U0004242')).toEqual(['svc-4242']);
    expect((await search('client 4242')).length).toBeGreaterThan(0);
  });
});
