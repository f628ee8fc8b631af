import { migrateToLatest } from '@opsledger/db';
import type { Projection, StoredEvent } from '@opsledger/eventstore';
import { createTestDatabase, type TestDatabase } from '@opsledger/testing';
import { sql } from 'kysely';
import { afterAll, beforeAll } from 'vitest';

/** A read model's table to read back: its name, the columns (all if left out) and the order of its rows. */
export interface TableRead {
  table: string;
  columns?: string;
  orderBy: string;
}

/**
 * For a spec file: a test database for its lifetime, and `project(batches)`, which gives a fresh read model (a schema
 * of its own, migrated as the runner migrates it) the events applied one transaction per batch, as the runner applies
 * them, then reads back each of `tables`. A spec compares one batching with another, e.g. a whole batch against each
 * event in a transaction of its own.
 */
export function projectBatches<Tables extends Record<string, TableRead>>(
  projectionIn: (schema: string) => Projection,
  tables: Tables,
): (batches: StoredEvent[][]) => Promise<{ [name in keyof Tables]: Record<string, unknown>[] }> {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(() => db?.dispose());
  return async (batches) => {
    const schema = await db.newSchema();
    const projection = projectionIn(schema);
    await migrateToLatest(db.db, schema, projection.migrations, `${projection.name.replaceAll('-', '_')}_migration`);
    for (const batch of batches) await db.db.transaction().execute((trx) => projection.apply(trx.withSchema(schema), batch));
    const read = async ({ table, columns, orderBy }: TableRead) =>
      (
        await sql<
          Record<string, unknown>
        >`select ${sql.raw(columns ?? '*')} from ${sql.table(`${schema}.${table}`)} order by ${sql.raw(orderBy)}`.execute(db.db)
      ).rows;
    const rows = await Promise.all(Object.entries(tables).map(async ([name, table]) => [name, await read(table)] as const));
    return Object.fromEntries(rows) as { [name in keyof Tables]: Record<string, unknown>[] };
  };
}
