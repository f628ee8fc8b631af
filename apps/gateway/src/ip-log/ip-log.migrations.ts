import type { Migrations } from '@opsledger/db';
import { type Kysely, sql } from 'kysely';

/**
 * The IP Log's attempts and blocks. Indexes follow the page's queries:
 * newest first, alone or filtered by user, email, result, country, ASN or
 * channel (each `(column, at, id)`); an address exact or in a CIDR as a range
 * of the inet column (`ip >= network and ip <= broadcast`, inet's own
 * ordering), which the btree `(ip, at, id)` serves.
 */
export const ipLogMigrations: Migrations = {
  '20261123T1200_create_login_attempt_and_block': {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('login_attempt')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('at', 'timestamptz', (c) => c.notNull())
        .addColumn('user_id', 'text', (c) => c.notNull())
        .addColumn('email', 'text', (c) => c.notNull())
        .addColumn('ip', sql`inet`)
        .addColumn('ip_text', 'text', (c) => c.notNull())
        .addColumn('peer_ip', 'text', (c) => c.notNull())
        .addColumn('forwarded_for', 'jsonb', (c) => c.notNull())
        .addColumn('user_agent', 'text', (c) => c.notNull())
        .addColumn('channel', 'text', (c) => c.notNull())
        .addColumn('result', 'text', (c) => c.notNull())
        .addColumn('reason', 'text', (c) => c.notNull())
        .addColumn('ip_class', 'text', (c) => c.notNull().defaultTo(''))
        .addColumn('country_code', 'text', (c) => c.notNull().defaultTo(''))
        .addColumn('asn', 'bigint')
        .addColumn('network', 'text', (c) => c.notNull().defaultTo(''))
        .addColumn('country_db_date', 'text', (c) => c.notNull().defaultTo(''))
        .addColumn('asn_db_date', 'text', (c) => c.notNull().defaultTo(''))
        .addColumn('user_agent_summary', 'text', (c) => c.notNull().defaultTo(''))
        .addColumn('new_location', 'text', (c) => c.notNull().defaultTo(''))
        .addColumn('notified', 'boolean', (c) => c.notNull().defaultTo(false))
        .execute();
      await db.schema.createIndex('login_attempt_at').on('login_attempt').columns(['at', 'id']).execute();
      for (const column of ['user_id', 'email', 'result', 'country_code', 'asn', 'channel'])
        await db.schema.createIndex(`login_attempt_${column}_at`).on('login_attempt').columns([column, 'at', 'id']).execute();
      await db.schema.createIndex('login_attempt_ip_at').on('login_attempt').columns(['ip', 'at', 'id']).execute();
      await db.schema
        .createTable('login_block')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('scope', 'text', (c) => c.notNull())
        .addColumn('key', 'text', (c) => c.notNull())
        .addColumn('failures', 'integer', (c) => c.notNull())
        .addColumn('window_seconds', 'integer', (c) => c.notNull())
        .addColumn('blocked_until', 'timestamptz', (c) => c.notNull())
        .addColumn('attempt_id', 'text', (c) => c.notNull())
        .addColumn('created_at', 'timestamptz', (c) => c.notNull())
        .addColumn('lifted_at', 'timestamptz')
        .addColumn('lifted_by', 'text')
        .execute();
      // Sign-in asks "is this account or address blocked now?": by key, the latest first.
      await db.schema.createIndex('login_block_key').on('login_block').columns(['scope', 'key', 'blocked_until']).execute();
    },
  },
};

export const securitySettingsMigrations: Migrations = {
  '20261123T1200_create_security_settings': {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('security_settings')
        .addColumn('section', 'text', (c) => c.primaryKey())
        .addColumn('trusted_proxies', 'jsonb', (c) => c.notNull())
        .addColumn('new_location', 'boolean', (c) => c.notNull())
        .addColumn('session_expired', 'boolean', (c) => c.notNull())
        .addColumn('threshold', 'integer', (c) => c.notNull())
        .addColumn('window_seconds', 'integer', (c) => c.notNull())
        .addColumn('cool_down_seconds', 'integer', (c) => c.notNull())
        .addColumn('version', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
        .addColumn('updated_by', 'text', (c) => c.notNull())
        .execute();
    },
  },
};
