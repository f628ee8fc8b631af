import { timestampDate } from '@bufbuild/protobuf/wkt';
import { loginsV1 } from '@opsledger/contracts';
import type { Migrations, Timestamp } from '@opsledger/db';
import type { Projection } from '@opsledger/eventstore';
import type { Kysely } from 'kysely';

/** Every sign-in attempt still on the stream, by when it was made: what a retention prune looks through. */
export interface AttemptIndexTables {
  attempt_index: { id: string; at: Timestamp };
}

const migrations: Migrations = {
  '20261123T1700_create_attempt_index': {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('attempt_index')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('at', 'timestamptz', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('attempt_index_at').on('attempt_index').columns(['at', 'id']).execute();
    },
  },
};

export const ATTEMPT_INDEX_PROJECTION = 'logins-attempt-index';

/**
 * The logins service's own index of the IP Log (the gateway's read model is
 * the gateway's): an attempt in, with its time; a prune's IpLogPruned takes
 * every attempt before its cutoff out, so a rebuild agrees with the stream.
 */
export function attemptIndexProjection(schema: string): Projection<AttemptIndexTables> {
  return {
    name: ATTEMPT_INDEX_PROJECTION,
    context: 'logins',
    schema,
    migrations,
    tables: ['attempt_index'],
    async apply(trx, events) {
      for (const event of events) {
        if (event.type === loginsV1.LoginAttemptedSchema.typeName) {
          const q = event.data as loginsV1.LoginAttempted;
          await trx
            .insertInto('attempt_index')
            .values({ id: q.attemptId, at: q.at ? timestampDate(q.at) : event.occurredAt })
            .onConflict((oc) => oc.column('id').doNothing())
            .execute();
        } else if (event.type === loginsV1.IpLogPrunedSchema.typeName) {
          const p = event.data as loginsV1.IpLogPruned;
          if (p.before) await trx.deleteFrom('attempt_index').where('at', '<', timestampDate(p.before)).execute();
        }
      }
    },
  };
}
