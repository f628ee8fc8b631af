import type { Migrations } from '@opsledger/db';
import { type Kysely, sql } from 'kysely';

export const auditMigrations: Migrations = {
  '20261123T1200_create_audit_log': {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('audit_entry')
        .addColumn('sequence', 'bigint', (c) => c.primaryKey())
        .addColumn('id', 'text', (c) => c.notNull().unique())
        .addColumn('source_event_id', 'text', (c) => c.notNull())
        .addColumn('source_event_type', 'text', (c) => c.notNull())
        .addColumn('source_stream', 'text', (c) => c.notNull())
        .addColumn('actor_kind', 'text', (c) => c.notNull())
        .addColumn('actor_id', 'text', (c) => c.notNull())
        .addColumn('actor_email', 'text', (c) => c.notNull())
        .addColumn('actor_role', 'text', (c) => c.notNull())
        .addColumn('source', 'text', (c) => c.notNull())
        .addColumn('client_ip', 'text', (c) => c.notNull())
        .addColumn('os_user', 'text', (c) => c.notNull())
        .addColumn('host', 'text', (c) => c.notNull())
        // C collation: `action like 'user.%'` is then a range of the btree index below, whatever the database's locale.
        .addColumn('action', sql`text collate "C"`, (c) => c.notNull())
        .addColumn('resource_type', 'text', (c) => c.notNull())
        .addColumn('resource_id', 'text', (c) => c.notNull())
        .addColumn('correlation_id', 'text', (c) => c.notNull())
        .addColumn('occurred_at', 'timestamptz', (c) => c.notNull())
        .addColumn('diff', 'jsonb', (c) => c.notNull())
        .addColumn('prev_hash', 'text', (c) => c.notNull())
        .addColumn('hash', 'text', (c) => c.notNull())
        .execute();
      // The list's order (newest first, id as the tie-break) alone and after each equality filter, so a filtered page
      // is one index range read in order; a date range is a range of the first (or of any, after its equality).
      // `action` serves both the exact filter (in order) and a prefix (a range of the C-collated column, then a
      // top-N sort of that range). Correlation ids are few rows each: a plain index.
      const ordered = ['occurred_at desc', 'id desc'];
      await db.schema.createIndex('audit_entry_occurred').on('audit_entry').columns(ordered).execute();
      await db.schema
        .createIndex('audit_entry_actor_occurred')
        .on('audit_entry')
        .columns(['actor_id', ...ordered])
        .execute();
      await db.schema
        .createIndex('audit_entry_action_occurred')
        .on('audit_entry')
        .columns(['action', ...ordered])
        .execute();
      await db.schema
        .createIndex('audit_entry_resource_occurred')
        .on('audit_entry')
        .columns(['resource_type', 'resource_id', ...ordered])
        .execute();
      await db.schema
        .createIndex('audit_entry_source_occurred')
        .on('audit_entry')
        .columns(['source', ...ordered])
        .execute();
      await db.schema.createIndex('audit_entry_correlation').on('audit_entry').column('correlation_id').execute();

      await db.schema
        .createTable('audit_checkpoint')
        .addColumn('through_sequence', 'bigint', (c) => c.primaryKey())
        .addColumn('through_hash', 'text', (c) => c.notNull())
        .addColumn('cutoff', 'timestamptz')
        .addColumn('entries_removed', 'bigint', (c) => c.notNull())
        .addColumn('at', 'timestamptz', (c) => c.notNull())
        .execute();

      // Written by GET /api/audit/verify, not by the projection: a rebuild keeps it.
      await db.schema
        .createTable('audit_verification')
        .addColumn('chain', 'text', (c) => c.primaryKey())
        .addColumn('ok', 'boolean', (c) => c.notNull())
        .addColumn('checked', 'bigint', (c) => c.notNull())
        .addColumn('first_bad_sequence', 'bigint')
        .addColumn('first_bad_reason', 'text')
        .addColumn('verified_at', 'timestamptz', (c) => c.notNull())
        .addColumn('verified_by', 'text', (c) => c.notNull())
        .execute();
    },
    async down(db: Kysely<any>) {
      await db.schema.dropTable('audit_verification').execute();
      await db.schema.dropTable('audit_checkpoint').execute();
      await db.schema.dropTable('audit_entry').execute();
    },
  },
};
