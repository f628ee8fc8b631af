import { timestampDate } from '@bufbuild/protobuf/wkt';
import { emailV1 } from '@opsledger/contracts';
import type { Migrations, Timestamp } from '@opsledger/db';
import type { Projection } from '@opsledger/eventstore';
import type { Kysely } from 'kysely';

/** Every Email Log record still on the stream, by when it was queued: what a retention prune looks through. */
export interface EmailIndexTables {
  email_index: { id: string; at: Timestamp };
}

const migrations: Migrations = {
  '20261123T1700_create_email_index': {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('email_index')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('at', 'timestamptz', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('email_index_at').on('email_index').columns(['at', 'id']).execute();
    },
  },
};

export const EMAIL_INDEX_PROJECTION = 'email-index';

/**
 * The email service's own index of the Email Log (the gateway's read model
 * is the gateway's): an email in, with its queued time; a prune's
 * EmailLogPruned takes every email before its cutoff out, so a rebuild agrees
 * with the stream.
 */
export function emailIndexProjection(schema: string): Projection<EmailIndexTables> {
  return {
    name: EMAIL_INDEX_PROJECTION,
    context: 'email',
    schema,
    migrations,
    tables: ['email_index'],
    async apply(trx, events) {
      for (const event of events) {
        if (event.type === emailV1.EmailQueuedSchema.typeName) {
          const q = event.data as emailV1.EmailQueued;
          await trx
            .insertInto('email_index')
            .values({ id: q.emailId, at: q.queuedAt ? timestampDate(q.queuedAt) : event.occurredAt })
            .onConflict((oc) => oc.column('id').doNothing())
            .execute();
        } else if (event.type === emailV1.EmailLogPrunedSchema.typeName) {
          const p = event.data as emailV1.EmailLogPruned;
          if (p.before) await trx.deleteFrom('email_index').where('at', '<', timestampDate(p.before)).execute();
        }
      }
    },
  };
}
