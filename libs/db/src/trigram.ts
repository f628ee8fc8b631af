import { type Kysely, sql } from 'kysely';

/**
 * pg_trgm is database-wide: whichever schema migrates first installs it (in public, on every schema's search path).
 * Two doing so at once race on the catalog; the loser's failure means it is there. Inside a transaction only (a
 * migration's): a savepoint keeps the lost race from aborting it.
 */
export async function createTrigramExtension(db: Kysely<any>) {
  await sql`savepoint pg_trgm`.execute(db);
  try {
    await sql`create extension if not exists pg_trgm with schema public`.execute(db);
    await sql`release savepoint pg_trgm`.execute(db);
  } catch (error) {
    if ((error as { code?: string }).code !== '23505') throw error;
    await sql`rollback to savepoint pg_trgm`.execute(db);
  }
}

/** A GIN trigram index on `column`: what a substring match (`ILIKE '%…%'`) over it reads. */
export function createTrigramIndex(db: Kysely<any>, name: string, table: string, column: string) {
  return db.schema
    .createIndex(name)
    .on(table)
    .using('gin')
    .expression(sql`${sql.ref(column)} public.gin_trgm_ops`)
    .execute();
}
