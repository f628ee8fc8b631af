import { tasksV1 } from '@opsledger/contracts';
import { type Kysely, sql, type Transaction } from 'kysely';
import type { StoredEvent } from '../event';
import type { Projection } from '../projection/projection';

/**
 * A read model built to expose mistakes: `progress_event` has no unique key,
 * so a doubled event shows as a second row, and `task_total` counts events
 * per task, so a lost one shows as a lower count. A logged line with the
 * text `poison` makes `apply` throw, like a projection bug would.
 */
export interface ProgressTables {
  progress_event: { event_id: string; task_id: string; stream_seq: number; percent: number };
  task_total: { task_id: string; events: number; last_percent: number };
}

export function progressProjection(schema: string, options: { sleepMsPerBatch?: number } = {}): Projection<ProgressTables> {
  return {
    name: 'progress',
    context: 'tasks',
    schema,
    tables: ['progress_event', 'task_total'],
    migrations: {
      '20261121T2200_create_progress': {
        async up(db: Kysely<any>) {
          await db.schema
            .createTable('progress_event')
            .addColumn('event_id', 'text', (c) => c.notNull())
            .addColumn('task_id', 'text', (c) => c.notNull())
            .addColumn('stream_seq', 'bigint', (c) => c.notNull())
            .addColumn('percent', 'integer', (c) => c.notNull())
            .execute();
          await db.schema
            .createTable('task_total')
            .addColumn('task_id', 'text', (c) => c.primaryKey())
            .addColumn('events', 'integer', (c) => c.notNull())
            .addColumn('last_percent', 'integer', (c) => c.notNull())
            .execute();
        },
      },
    },
    async apply(trx: Transaction<ProgressTables>, events: readonly StoredEvent[]) {
      for (const e of events) {
        if (e.type === tasksV1.TaskLoggedSchema.typeName && (e.data as tasksV1.TaskLogged).text === 'poison') {
          throw new Error(`cannot project event ${e.id}: poison`);
        }
      }
      const rows = events.map((e) => ({
        event_id: e.id,
        task_id: e.aggregateId,
        stream_seq: e.streamSeq,
        percent: e.type === tasksV1.TaskProgressedSchema.typeName ? (e.data as tasksV1.TaskProgressed).percent : 0,
      }));
      // One statement per batch, as a real high-volume projection would write.
      await trx.insertInto('progress_event').values(rows).execute();
      const totals = new Map<string, { events: number; last_percent: number }>();
      for (const r of rows) {
        const t = totals.get(r.task_id) ?? { events: 0, last_percent: 0 };
        totals.set(r.task_id, { events: t.events + 1, last_percent: r.percent });
      }
      await trx
        .insertInto('task_total')
        .values([...totals].map(([task_id, t]) => ({ task_id, ...t })))
        .onConflict((oc) =>
          oc.column('task_id').doUpdateSet((eb) => ({
            events: sql`${eb.ref('task_total.events')} + ${eb.ref('excluded.events')}`,
            last_percent: eb.ref('excluded.last_percent'),
          })),
        )
        .execute();
      // Widens the window in which a kill lands inside an open transaction.
      if (options.sleepMsPerBatch) await sql`select pg_sleep(${options.sleepMsPerBatch / 1000})`.execute(trx);
    },
  };
}

/** The read model as sorted rows, to compare two builds of it. */
export async function dumpProgress(db: Kysely<any>, schema: string) {
  const s = db.withSchema(schema) as Kysely<ProgressTables>;
  return {
    events: await s.selectFrom('progress_event').selectAll().orderBy('stream_seq').orderBy('event_id').execute(),
    totals: await s.selectFrom('task_total').selectAll().orderBy('task_id').execute(),
  };
}
