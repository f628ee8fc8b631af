import { createDb } from '@opsledger/db';
import { type Kysely, sql } from 'kysely';
import { testEnv, uniqueToken } from './env';

export interface TestDatabase {
  db: Kysely<any>;
  /** A schema of this test's own; dropped by `dispose`. */
  schema: string;
  /** Another fresh schema on the same database (e.g. to rebuild a read model beside the first). */
  newSchema(): Promise<string>;
  dispose(): Promise<void>;
}

/** A pool on the real PostgreSQL and throwaway schemas that only this test uses. */
export async function createTestDatabase(applicationName = 'opsledger-test'): Promise<TestDatabase> {
  const db = createDb<any>({ connectionString: testEnv.databaseUrl, max: 8, applicationName });
  const schemas: string[] = [];
  const newSchema = async () => {
    const schema = `test_${uniqueToken()}`;
    await sql`create schema ${sql.id(schema)}`.execute(db);
    schemas.push(schema);
    return schema;
  };
  const schema = await newSchema();
  return {
    db,
    schema,
    newSchema,
    async dispose() {
      for (const s of schemas) await sql`drop schema if exists ${sql.id(s)} cascade`.execute(db);
      await db.destroy();
    },
  };
}
