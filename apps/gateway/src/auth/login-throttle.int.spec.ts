import { createTestDatabase, type TestDatabase, uniqueToken } from '@opsledger/testing';
import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { dropContextSchemas, identityDb } from '../test-support/test-gateway';

let pg: TestDatabase;
const prefix = `t${uniqueToken()}`;

beforeAll(async () => {
  pg = await createTestDatabase();
});
afterAll(async () => {
  await dropContextSchemas(pg, prefix);
  await pg.dispose();
});

it('the clean-up of old sign-in failures (on every attempt) can use an index on their time', async () => {
  const db = await identityDb(pg, prefix);
  await db.connection().execute(async (conn) => {
    // A small table is scanned whatever the indexes: forbid the scan to see which index the planner can use.
    await sql`set enable_seqscan = off`.execute(conn);
    const query = conn.deleteFrom('login_failure').where('at', '<', new Date()).compile();
    const { rows } = await sql<{ 'QUERY PLAN': string }>`explain ${sql.raw(query.sql.replace('$1', 'now()'))}`.execute(conn);
    const plan = rows.map((r) => r['QUERY PLAN']).join('\n');
    expect(plan, plan).toMatch(/Index (Only )?Scan using login_failure_at|Bitmap Index Scan on login_failure_at/);
  });
});
