import { createTestDatabase, type TestDatabase, testEnv, uniqueToken } from '@opsledger/testing';
import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createDb } from './create-db';
import { migrateToLatest } from './migrate';

let pg: TestDatabase;
const schema = `test_${uniqueToken()}`;
beforeAll(async () => {
  pg = await createTestDatabase();
});
afterAll(async () => {
  await sql`drop schema if exists ${sql.id(schema)} cascade`.execute(pg.db);
  await pg.dispose();
});

it('many processes migrating a new schema at once all succeed and apply each migration once', async () => {
  const migrations = {
    '20261121T2300_create_item': {
      up: (db: any) =>
        db.schema
          .createTable('item')
          .addColumn('id', 'text', (c: any) => c.primaryKey())
          .execute(),
    },
  };
  // One pool each, as separate processes would have.
  const pools = Array.from({ length: 16 }, () => createDb({ connectionString: testEnv.databaseUrl, max: 1 }));
  const results = await Promise.allSettled(pools.map((db) => migrateToLatest(db, schema, migrations)));
  await Promise.all(pools.map((db) => db.destroy()));
  expect(results.filter((r) => r.status === 'rejected')).toEqual([]);
  const { rows } = await sql<{ n: number }>`select count(*)::int as n from ${sql.table(`${schema}.kysely_migration`)}`.execute(pg.db);
  expect(rows[0]!.n).toBe(1);
});
