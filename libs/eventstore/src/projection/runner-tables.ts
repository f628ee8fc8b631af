import type { Generated, Json, Migrations, Timestamp } from '@opsledger/db';
import { type Kysely, sql, type Transaction } from 'kysely';
import { CheckpointMovedError } from './checkpoint-moved-error';

export interface ProjectionCheckpointTable {
  projection: string;
  last_seq: number;
  updated_at: Timestamp;
}

export interface ProjectionDeadLetterTable {
  id: Generated<number>;
  projection: string;
  stream_seq: number;
  subject: string;
  event_type: string | null;
  event_id: string | null;
  error: string;
  headers: Json<Record<string, string[]>>;
  payload: Buffer;
  failed_at: Generated<Date>;
}

export interface RunnerTables {
  projection_checkpoint: ProjectionCheckpointTable;
  projection_dead_letter: ProjectionDeadLetterTable;
}

/** The runner's own bookkeeping, migrated in each projection schema under its own history table. */
export const runnerMigrations: Migrations = {
  '20261121T2200_create_projection_bookkeeping': {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('projection_checkpoint')
        .addColumn('projection', 'text', (c) => c.primaryKey())
        .addColumn('last_seq', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
        .execute();
      await db.schema
        .createTable('projection_dead_letter')
        .addColumn('id', 'bigserial', (c) => c.primaryKey())
        .addColumn('projection', 'text', (c) => c.notNull())
        .addColumn('stream_seq', 'bigint', (c) => c.notNull())
        .addColumn('subject', 'text', (c) => c.notNull())
        .addColumn('event_type', 'text')
        .addColumn('event_id', 'text')
        .addColumn('error', 'text', (c) => c.notNull())
        .addColumn('headers', 'jsonb', (c) => c.notNull())
        .addColumn('payload', 'bytea', (c) => c.notNull())
        .addColumn('failed_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
        .addUniqueConstraint('projection_dead_letter_once', ['projection', 'stream_seq'])
        .execute();
    },
    async down(db: Kysely<any>) {
      await db.schema.dropTable('projection_dead_letter').execute();
      await db.schema.dropTable('projection_checkpoint').execute();
    },
  },
};

export async function readCheckpoint(db: Kysely<RunnerTables>, projection: string): Promise<number> {
  const row = await db.selectFrom('projection_checkpoint').select('last_seq').where('projection', '=', projection).executeTakeFirst();
  return row?.last_seq ?? 0;
}

/** Creates the projection's checkpoint row at 0 if it has none, so advancing it can be a compare-and-set. */
export async function ensureCheckpointRow(db: Kysely<RunnerTables>, projection: string): Promise<void> {
  await db
    .insertInto('projection_checkpoint')
    .values({ projection, last_seq: 0, updated_at: new Date() })
    .onConflict((oc) => oc.column('projection').doNothing())
    .execute();
}

/**
 * Moves the checkpoint from `from` to `to`, or throws if it is not at `from`
 * any more: the fence that keeps two runners of one projection (two gateway
 * replicas, a runner and a rebuild) from applying a batch twice.
 */
export async function advanceCheckpoint(trx: Transaction<RunnerTables>, projection: string, from: number, to: number): Promise<void> {
  const result = await trx
    .updateTable('projection_checkpoint')
    .set({ last_seq: to, updated_at: new Date() })
    .where('projection', '=', projection)
    .where('last_seq', '=', from)
    .executeTakeFirst();
  if (result.numUpdatedRows !== 1n) throw new CheckpointMovedError(projection, from);
}

export async function saveCheckpoint(trx: Transaction<RunnerTables>, projection: string, lastSeq: number): Promise<void> {
  await trx
    .insertInto('projection_checkpoint')
    .values({ projection, last_seq: lastSeq, updated_at: new Date() })
    .onConflict((oc) => oc.column('projection').doUpdateSet({ last_seq: lastSeq, updated_at: new Date() }))
    .execute();
}
