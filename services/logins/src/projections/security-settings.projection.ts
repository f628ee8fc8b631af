import { settingsV1 } from '@opsledger/contracts';
import type { Migrations } from '@opsledger/db';
import type { Projection } from '@opsledger/eventstore';
import type { Kysely } from 'kysely';
import { DEFAULT_SECURITY_SETTINGS, type SecuritySettings, settingsOfEvent } from '../domain/security-settings';

export interface SecuritySettingsTables {
  security_settings: { section: string; settings: SecuritySettings; version: number };
}

const migrations: Migrations = {
  '20261123T1200_create_security_settings': {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('security_settings')
        .addColumn('section', 'text', (c) => c.primaryKey())
        .addColumn('settings', 'jsonb', (c) => c.notNull())
        .addColumn('version', 'bigint', (c) => c.notNull())
        .execute();
    },
  },
};

/** The logins service's copy of Settings → Security (thresholds, notices), fed by SETTINGS: a change applies to the next attempt. */
export function securitySettingsProjection(schema: string): Projection<SecuritySettingsTables> {
  return {
    name: 'logins-security-settings',
    context: 'settings',
    schema,
    migrations,
    tables: ['security_settings'],
    async apply(trx, events) {
      for (const event of events) {
        if (event.type !== settingsV1.SecuritySettingsChangedSchema.typeName) continue;
        const row = {
          settings: JSON.stringify(settingsOfEvent(event.data as settingsV1.SecuritySettingsChanged)) as never,
          version: event.streamSeq,
        };
        await trx
          .insertInto('security_settings')
          .values({ section: 'security', ...row })
          .onConflict((oc) => oc.column('section').doUpdateSet(row))
          .execute();
      }
    },
  };
}

export async function readSecuritySettings(db: Kysely<any>): Promise<SecuritySettings> {
  const row = await (db as Kysely<SecuritySettingsTables>)
    .selectFrom('security_settings')
    .select('settings')
    .where('section', '=', 'security')
    .executeTakeFirst()
    .catch(() => undefined);
  return row?.settings ?? DEFAULT_SECURITY_SETTINGS;
}
