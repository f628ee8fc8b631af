import { settingsV1 } from '@opsledger/contracts';
import { formatActor, type Projection } from '@opsledger/eventstore';
import type { EmailTables } from './email-tables';
import { emailSettingsMigrations } from './email.migrations';

/**
 * Settings → Email as the page reads it, from the SETTINGS stream's email
 * section. The sealed credentials are not projected: the page says only
 * whether some are set, and the key id's last four characters.
 */
export function emailSettingsProjection(schema: string): Projection<EmailTables> {
  return {
    name: 'email-settings',
    context: 'settings',
    schema,
    migrations: emailSettingsMigrations,
    tables: ['email_settings'],
    async apply(trx, events) {
      for (const event of events) {
        if (event.type !== settingsV1.EmailSettingsChangedSchema.typeName) continue;
        const s = event.data as settingsV1.EmailSettingsChanged;
        const row = {
          region: s.region,
          endpoint: s.endpoint,
          sender: s.sender,
          credentials_set: s.credentialsCiphertext !== '',
          access_key_id_hint: s.accessKeyIdHint,
          version: event.streamSeq,
          updated_at: event.occurredAt,
          updated_by: formatActor(event.actor),
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
