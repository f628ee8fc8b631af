import { sql } from 'kysely';
import { describe, it } from 'vitest';
import { expectIndexed, listQuery, seededLists } from '../test-support/list-plans';
import { emailLogResource } from './email-log.resource';
import { emailProjection } from './email.projection';

// Plan shape, not timing: every filter of the Email Log page is read through an index on a log shaped like a real one
// (most mail sent, 3 % failed, 1 % queued, one test send in a thousand; 5 templates, 5,000 recipients), never by
// scanning the table nor by walking an index past the rows a rare value has.
const ROWS = 200_000;

const lists = seededLists(
  'opsledger-email-log-indexes',
  (schema) => [emailProjection(schema)],
  async (db, schema) => {
    // One message every ten seconds going back.
    await sql`
    insert into ${sql.table(`${schema}.email_log`)}
      (id, to_address, template, template_version, subject, html, status, attempts, correlation_id, test, created_at, updated_at)
    select 'mail-' || lpad(n::text, 9, '0'), 'user' || (n % 5000) || '@example.test', 'template-' || (n % 5), 1, 'Subject', '<p>Hello</p>',
      case when n % 33 = 0 then 'failed' when n % 97 = 1 then 'queued' else 'sent' end, 1, 'corr-' || (n / 3),
      n % 1000 = 7, now() - make_interval(secs => 10 * (${ROWS} - n)), now() - make_interval(secs => 10 * (${ROWS} - n))
    from generate_series(1, ${ROWS}) n`.execute(db);
  },
);

const hoursAgo = (h: number) => new Date(Date.now() - h * 3_600_000).toISOString();
const cases: Record<string, unknown>[] = [
  {},
  { sort: ['createdAt', 'ASC'] },
  { filter: { status: 'sent' } },
  { filter: { status: 'failed' } },
  { filter: { status: 'queued' } },
  { filter: { test: true } },
  { filter: { test: false } },
  { filter: { to: 'user42@example.test' } },
  { filter: { template: 'template-3' } },
  { filter: { correlationId: 'corr-4242' } },
  { filter: { createdAt_gte: hoursAgo(1) } },
  { filter: { createdAt_gte: hoursAgo(48), createdAt_lte: hoursAgo(24) } },
  { filter: { to: 'user42@example.test', status: 'failed' } },
  { filter: { template: 'template-3', status: 'failed' } },
  { filter: { status: 'failed', createdAt_gte: hoursAgo(24) } },
];

describe(`every Email Log filter is read through an index (${ROWS.toLocaleString('en-US')} messages)`, () => {
  it.each(cases.map((params) => ({ name: JSON.stringify(params), params })))('$name', async ({ params }) => {
    expectIndexed(await lists.plans.plansOf(emailLogResource, listQuery(emailLogResource, params)), 'email_log');
  });
});
