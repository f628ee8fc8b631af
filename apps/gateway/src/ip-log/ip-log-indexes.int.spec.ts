import { sql } from 'kysely';
import { describe, it } from 'vitest';
import { expectIndexed, listQuery, seededLists } from '../test-support/list-plans';
import { ipLogProjection } from './ip-log.projection';
import { ipLogResource, ipRange } from './ip-log.resource';

// Plan shape, not timing: every filter of the IP Log page is read through an index on sign-ins shaped like a real log
// (89 % succeeded, 9 % failed, 2 % rate limited; 2,000 accounts, each with every result; a seventh over the API; one
// country rare), never by
// scanning the table nor by walking an index past the rows a rare value has.
const ROWS = 200_000;

const lists = seededLists(
  'opsledger-ip-log-indexes',
  (schema) => [ipLogProjection(schema)],
  async (db, schema) => {
    // One attempt every thirty seconds going back.
    await sql`
    insert into ${sql.table(`${schema}.login_attempt`)}
      (id, at, user_id, email, ip, ip_text, peer_ip, forwarded_for, user_agent, channel, result, reason, ip_class, country_code, asn)
    select 'attempt-' || lpad(n::text, 9, '0'), now() - make_interval(secs => 30 * (${ROWS} - n)), 'user-' || (n % 2000),
      'user' || (n % 2000) || '@example.test', a.ip::inet, a.ip, a.ip, '[]'::jsonb, 'Mozilla/5.0',
      case when n % 7 = 0 then 'api' else 'panel' end,
      case when n % 47 = 0 then 'rate_limited' when n % 47 < 5 then 'failed' else 'succeeded' end, '', 'public',
      case when n % 5003 = 3 then 'KP' else (array['DE','US','FR','GB','NL','SE','PL','ES','IT','JP'])[1 + n / 7 % 10] end, 64500 + n % 101
    from generate_series(1, ${ROWS}) n
    cross join lateral (select (n % 200 + 1) || '.' || (n / 200 % 256) || '.' || (n % 7) || '.' || (n % 251) as ip) a`.execute(db);
  },
);

const hoursAgo = (h: number) => new Date(Date.now() - h * 3_600_000).toISOString();
const ip = (value: string) => {
  const { from, to } = ipRange(value)!;
  return { ip_gte: from, ip_lte: to };
};
const cases: Record<string, unknown>[] = [
  {},
  { sort: ['at', 'ASC'] },
  { filter: { userId: 'user-42' } },
  { filter: { email: 'user42@example.test' } },
  { filter: ip('42.17.3.9') },
  { filter: ip('42.17.0.0/16') },
  { filter: ip('42.0.0.0/8') },
  { filter: { result: 'failed' } },
  { filter: { result: 'rate_limited' } },
  { filter: { result: 'succeeded' } },
  { filter: { failedOnly: true } },
  { filter: { country: 'DE' } },
  { filter: { country: 'KP' } },
  { filter: { asn: 64542 } },
  { filter: { channel: 'api' } },
  { filter: { at_gte: hoursAgo(1) } },
  { filter: { at_gte: hoursAgo(48), at_lte: hoursAgo(24) } },
  { filter: { userId: 'user-42', failedOnly: true } },
  { filter: { country: 'KP', failedOnly: true } },
  { filter: { failedOnly: true, at_gte: hoursAgo(24) } },
];

describe(`every IP Log filter is read through an index (${ROWS.toLocaleString('en-US')} attempts)`, () => {
  it.each(cases.map((params) => ({ name: JSON.stringify(params), params })))('$name', async ({ params }) => {
    expectIndexed(await lists.plans.plansOf(ipLogResource, listQuery(ipLogResource, params)), 'login_attempt');
  });
});
