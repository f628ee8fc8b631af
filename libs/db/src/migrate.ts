import { type Kysely, type Migration, Migrator, sql } from 'kysely';

export type Migrations = Record<string, Migration>;

/**
 * Runs a context's migrations inside its own Postgres schema. Each context
 * keeps its own kysely_migration table in that schema, so contexts (and
 * tests, which use a throwaway schema each) never see each other's history.
 * Migration names are timestamps (`20261121T2200_create_tasks`) so they sort.
 */
export async function migrateToLatest(
  db: Kysely<any>,
  schema: string,
  migrations: Migrations,
  /** Several independent migration sets (e.g. one per projection) can share a schema, each with its own history. */
  historyTable = 'kysely_migration',
): Promise<void> {
  await createSchemaIfMissing(db, schema);
  const migrator = new Migrator({
    db: db.withSchema(schema),
    provider: { getMigrations: async () => migrations },
    migrationTableSchema: schema,
    migrationTableName: historyTable,
    migrationLockTableName: `${historyTable}_lock`,
  });
  let { error, results } = await migrator.migrateToLatest();
  // Kysely checks for its history table by listing every table of the database; a schema another
  // process drops meanwhile (tests drop theirs all the time) fails that listing. Not ours: try again.
  for (let attempt = 1; error && raceWithAnotherSchema(error, schema) && attempt < 10; attempt++) {
    await new Promise((resolve) => setTimeout(resolve, 20 * attempt));
    ({ error, results } = await migrator.migrateToLatest());
  }
  const failed = results?.find((r) => r.status === 'Error');
  if (error) {
    const name = failed ? ` (migration ${failed.migrationName})` : '';
    throw new Error(`migrating schema ${schema} failed${name}: ${String(error)}`, { cause: error });
  }
}

/** A missing schema or table that is not the one being migrated: another process dropped it mid-listing. */
function raceWithAnotherSchema(error: unknown, schema: string): boolean {
  const { code, message } = error as { code?: string; message?: string };
  return (code === '3F000' || code === '42P01') && !String(message).includes(`"${schema}`);
}

/**
 * `create schema if not exists` is not safe against itself: two processes
 * starting at once can both pass the check and one fails on the catalog's
 * unique index. That failure means the schema now exists, which is the goal.
 */
async function createSchemaIfMissing(db: Kysely<any>, schema: string): Promise<void> {
  try {
    await sql`create schema if not exists ${sql.id(schema)}`.execute(db);
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code !== '23505' && code !== '42P06') throw error;
  }
}

/**
 * The Postgres schema of a context's read models: `tasks` in production, and
 * `<prefix>_tasks` when a prefix isolates a test (the same prefix its streams carry).
 */
export function contextSchema(context: string, prefix = ''): string {
  return prefix ? `${prefix}_${context}` : context;
}
