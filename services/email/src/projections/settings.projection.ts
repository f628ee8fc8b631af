import { settingsV1 } from '@opsledger/contracts';
import type { Migrations, Timestamp } from '@opsledger/db';
import type { Projection } from '@opsledger/eventstore';
import type { Kysely } from 'kysely';

/** The Email section of the settings as the worker reads it at every send (credentials still sealed). */
export interface EmailSettingsTables {
  email_settings: {
    section: string;
    region: string;
    endpoint: string;
    sender: string;
    credentials_ciphertext: string;
    access_key_id_hint: string;
    version: number;
    updated_at: Timestamp;
  };
}

export const SETTINGS_PROJECTION = 'email-settings';

const migrations: Migrations = {
  '20261124T1000_create_email_settings': {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('email_settings')
        .addColumn('section', 'text', (c) => c.primaryKey())
        .addColumn('region', 'text', (c) => c.notNull())
        .addColumn('endpoint', 'text', (c) => c.notNull())
        .addColumn('sender', 'text', (c) => c.notNull())
        .addColumn('credentials_ciphertext', 'text', (c) => c.notNull())
        .addColumn('access_key_id_hint', 'text', (c) => c.notNull())
        .addColumn('version', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
        .execute();
    },
  },
};

/**
 * The email service's own copy of the Email section, fed by SETTINGS: a
 * change an operator saves is what the next send uses, with no restart.
 */
export function emailSettingsProjection(schema: string): Projection<EmailSettingsTables> {
  return {
    name: SETTINGS_PROJECTION,
    context: 'settings',
    schema,
    migrations,
    tables: ['email_settings'],
    async apply(trx, events) {
      for (const event of events) {
        if (event.type !== settingsV1.EmailSettingsChangedSchema.typeName) continue;
        const s = event.data as settingsV1.EmailSettingsChanged;
        const row = {
          region: s.region,
          endpoint: s.endpoint,
          sender: s.sender,
          credentials_ciphertext: s.credentialsCiphertext,
          access_key_id_hint: s.accessKeyIdHint,
          version: event.streamSeq,
          updated_at: event.occurredAt,
        };
        await trx
          .insertInto('email_settings')
          .values({ section: 'email', ...row })
          .onConflict((oc) => oc.column('section').doUpdateSet(row))
          .execute();
      }
    },
  };
}
