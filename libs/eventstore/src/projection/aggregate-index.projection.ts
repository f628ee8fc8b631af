import type { DescMessage, MessageShape } from '@bufbuild/protobuf';
import { type Timestamp, timestampDate } from '@bufbuild/protobuf/wkt';
import type { Context } from '@opsledger/contracts';
import type { Migrations, Timestamp as DbTimestamp } from '@opsledger/db';
import type { Kysely } from 'kysely';
import type { Projection } from './projection';

/** A row of an aggregate index: one aggregate of the log, by the time it was recorded. */
export interface AggregateIndexRow {
  id: string;
  at: DbTimestamp;
}

/**
 * A service's own index of the aggregates of a log it keeps on its stream (an email, a sign-in attempt, a
 * provisioning attempt), in `table(id, at)`: what a prune walks (purgeIndexedAggregates). An aggregate goes in when
 * its `recorded` event is applied; a `pruned` event takes every one before its cutoff out, so a rebuild from the
 * stream agrees with what the prune left. The gateway's read models are the gateway's; this one is the service's.
 */
export function aggregateIndexProjection<Recorded extends DescMessage, Pruned extends DescMessage>(options: {
  name: string;
  context: Context;
  schema: string;
  table: string;
  /** The name of the migration that creates the table (kept as first released: it is the migration's history key). */
  migration: string;
  recorded: Recorded;
  entry: (data: MessageShape<Recorded>) => { id: string; at: Timestamp | undefined };
  pruned: Pruned;
  before: (data: MessageShape<Pruned>) => Timestamp | undefined;
}): Projection<Record<string, AggregateIndexRow>> {
  const { table } = options;
  const migrations: Migrations = {
    [options.migration]: {
      async up(db: Kysely<any>) {
        await db.schema
          .createTable(table)
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('at', 'timestamptz', (c) => c.notNull())
          .execute();
        await db.schema.createIndex(`${table}_at`).on(table).columns(['at', 'id']).execute();
      },
    },
  };
  return {
    name: options.name,
    context: options.context,
    schema: options.schema,
    migrations,
    tables: [table],
    async apply(trx, events) {
      for (const event of events) {
        if (event.type === options.recorded.typeName) {
          const { id, at } = options.entry(event.data as MessageShape<Recorded>);
          await trx
            .insertInto(table)
            .values({ id, at: at ? timestampDate(at) : event.occurredAt })
            .onConflict((oc) => oc.column('id').doNothing())
            .execute();
        } else if (event.type === options.pruned.typeName) {
          const before = options.before(event.data as MessageShape<Pruned>);
          if (before) await trx.deleteFrom(table).where('at', '<', timestampDate(before)).execute();
        }
      }
    },
  };
}
