import { timestampDate } from '@bufbuild/protobuf/wkt';
import { provisioningV1 } from '@opsledger/contracts';
import type { Migrations, Timestamp } from '@opsledger/db';
import type { Projection } from '@opsledger/eventstore';
import type { Kysely } from 'kysely';

/** Every Provisioning Log entry still on the stream, by time: what a prune looks through. */
export interface AttemptIndexTables {
  attempt_index: { id: string; at: Timestamp };
}

const migrations: Migrations = {
  '20261123T1200_create_attempt_index': {
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

/**
 * The provisioning service's own index of log entries (the gateway's read
 * model is the gateway's): an entry in, with its time; a prune's event takes
 * every entry before its cutoff out, so a rebuild agrees with the stream.
 */
export function attemptIndexProjection(schema: string): Projection<AttemptIndexTables> {
  return {
    name: 'provisioning-attempt-index',
    context: 'provisioning',
    schema,
    migrations,
    tables: ['attempt_index'],
    async apply(trx, events) {
      for (const event of events) {
        if (event.type === provisioningV1.ProvisioningAttemptRecordedSchema.typeName) {
          const a = event.data as provisioningV1.ProvisioningAttemptRecorded;
          await trx
            .insertInto('attempt_index')
            .values({ id: a.attemptId, at: a.at ? timestampDate(a.at) : event.occurredAt })
            .onConflict((oc) => oc.column('id').doNothing())
            .execute();
        } else if (event.type === provisioningV1.ProvisioningLogPrunedSchema.typeName) {
          const p = event.data as provisioningV1.ProvisioningLogPruned;
          if (p.before) await trx.deleteFrom('attempt_index').where('at', '<', timestampDate(p.before)).execute();
        }
      }
    },
  };
}
