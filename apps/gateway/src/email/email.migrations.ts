import type { Migrations } from '@opsledger/db';
import { type Kysely, sql } from 'kysely';

export const emailMigrations: Migrations = {
  '20261124T1100_create_email_template_and_log': {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('email_template')
        .addColumn('name', 'text', (c) => c.primaryKey())
        .addColumn('description', 'text', (c) => c.notNull())
        .addColumn('origin', 'text', (c) => c.notNull())
        .addColumn('version', 'integer', (c) => c.notNull())
        .addColumn('subject', 'text', (c) => c.notNull())
        .addColumn('html', 'text', (c) => c.notNull())
        .addColumn('tokens', 'jsonb', (c) => c.notNull())
        .addColumn('created_at', 'timestamptz', (c) => c.notNull())
        .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
        .addColumn('updated_by', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('email_template_version')
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('version', 'integer', (c) => c.notNull())
        .addColumn('change', 'text', (c) => c.notNull())
        .addColumn('subject', 'text', (c) => c.notNull())
        .addColumn('html', 'text', (c) => c.notNull())
        .addColumn('tokens', 'jsonb', (c) => c.notNull())
        .addColumn('saved_at', 'timestamptz', (c) => c.notNull())
        .addColumn('saved_by', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('email_template_version_pk', ['name', 'version'])
        .execute();
      await db.schema
        .createTable('email_log')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('to_address', 'text', (c) => c.notNull())
        .addColumn('template', 'text', (c) => c.notNull())
        .addColumn('template_version', 'integer', (c) => c.notNull())
        .addColumn('subject', 'text', (c) => c.notNull())
        .addColumn('html', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('attempt_failures', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
        .addColumn('from_address', 'text')
        .addColumn('provider_message_id', 'text')
        .addColumn('provider_code', 'text')
        .addColumn('provider_message', 'text')
        .addColumn('response_code', 'integer')
        .addColumn('permanent', 'boolean')
        .addColumn('correlation_id', 'text', (c) => c.notNull())
        .addColumn('caused_by_event_type', 'text')
        .addColumn('caused_by_event_id', 'text')
        .addColumn('test', 'boolean', (c) => c.notNull())
        .addColumn('created_at', 'timestamptz', (c) => c.notNull())
        .addColumn('finished_at', 'timestamptz')
        .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
        .execute();
      // The list's order (newest first, id as the tie-break), and each filter with that order, so any filtered page is
      // an index range: by recipient, by template, by correlation id; queued and failed (the few rows an operator
      // looks for) by partial indexes; a date range is a range of the first.
      const ordered = ['created_at desc', 'id desc'];
      await db.schema.createIndex('email_log_created').on('email_log').columns(ordered).execute();
      await db.schema
        .createIndex('email_log_to_created')
        .on('email_log')
        .columns(['to_address', ...ordered])
        .execute();
      await db.schema
        .createIndex('email_log_template_created')
        .on('email_log')
        .columns(['template', ...ordered])
        .execute();
      await db.schema.createIndex('email_log_correlation').on('email_log').column('correlation_id').execute();
      await db.schema.createIndex('email_log_queued_created').on('email_log').columns(ordered).where('status', '=', 'queued').execute();
      await db.schema.createIndex('email_log_failed_created').on('email_log').columns(ordered).where('status', '=', 'failed').execute();
    },
    async down(db: Kysely<any>) {
      await db.schema.dropTable('email_log').execute();
      await db.schema.dropTable('email_template_version').execute();
      await db.schema.dropTable('email_template').execute();
    },
  },
  // Test sends are one message in a thousand: "test = true" walked the whole log to fill a page and count it.
  '20261125T0100_email_log_test_sends': {
    async up(db: Kysely<any>) {
      await db.schema
        .createIndex('email_log_test_created')
        .on('email_log')
        .columns(['created_at desc', 'id desc'])
        .where(sql.ref('test'), '=', true)
        .execute();
    },
    async down(db: Kysely<any>) {
      await db.schema.dropIndex('email_log_test_created').execute();
    },
  },
};

export const emailSettingsMigrations: Migrations = {
  '20261124T1100_create_email_settings': {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('email_settings')
        .addColumn('section', 'text', (c) => c.primaryKey())
        .addColumn('region', 'text', (c) => c.notNull())
        .addColumn('endpoint', 'text', (c) => c.notNull())
        .addColumn('sender', 'text', (c) => c.notNull())
        .addColumn('credentials_set', 'boolean', (c) => c.notNull())
        .addColumn('access_key_id_hint', 'text', (c) => c.notNull())
        .addColumn('version', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
        .addColumn('updated_by', 'text', (c) => c.notNull())
        .execute();
    },
    async down(db: Kysely<any>) {
      await db.schema.dropTable('email_settings').execute();
    },
  },
};
