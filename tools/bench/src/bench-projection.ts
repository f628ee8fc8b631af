import { tasksV1 } from '@opsledger/contracts';
import type { Projection } from '@opsledger/eventstore';
import { type Kysely, sql } from 'kysely';

/**
 * A read model shaped like a real list page's table, written the way a
 * high-volume projection should: one multi-row statement per batch
 * (unnest of column arrays), so its cost is comparable to COPY.
 */
export const benchTable = 'progress_row';

export async function createBenchTable(db: Kysely<any>, schema: string, name = benchTable): Promise<void> {
  await sql`create table ${sql.table(`${schema}.${name}`)} (
    event_id text not null, task_id text not null, stream_seq bigint not null, percent integer not null, occurred_at timestamptz not null
  )`.execute(db);
}

export function benchProjection(schema: string): Projection {
  return {
    name: 'bench',
    context: 'tasks',
    schema,
    tables: [benchTable],
    migrations: { '20261121T2300_bench': { up: (db) => createBenchTable(db, schema) } },
    async apply(trx, events) {
      const ids: string[] = [];
      const tasks: string[] = [];
      const seqs: number[] = [];
      const percents: number[] = [];
      const times: string[] = [];
      for (const e of events) {
        ids.push(e.id);
        tasks.push(e.aggregateId);
        seqs.push(e.streamSeq);
        percents.push((e.data as tasksV1.TaskProgressed).percent ?? 0);
        times.push(e.occurredAt.toISOString());
      }
      await sql`insert into ${sql.table(`${schema}.${benchTable}`)} (event_id, task_id, stream_seq, percent, occurred_at)
        select * from unnest(${ids}::text[], ${tasks}::text[], ${seqs}::bigint[], ${percents}::int[], ${times}::timestamptz[])`.execute(
        trx,
      );
    },
  };
}
