import type { Migrations } from '@opsledger/db';
import { type Kysely, sql } from 'kysely';

export const identityMigrations: Migrations = {
  '20261121T2330_create_identity': {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('user_account')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('email', 'text', (c) => c.notNull().unique())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('role', 'text', (c) => c.notNull().check(sql`role in ('admin', 'customer')`))
        .addColumn('password_hash', 'text', (c) => c.notNull())
        .addColumn('disabled', 'boolean', (c) => c.notNull().defaultTo(false))
        .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
        .execute();
      await db.schema
        .createTable('session')
        .addColumn('token_hash', 'text', (c) => c.primaryKey())
        .addColumn('user_id', 'text', (c) => c.notNull().references('user_account.id').onDelete('cascade'))
        .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
        .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
        .addColumn('ip', 'text', (c) => c.notNull())
        .addColumn('user_agent', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('api_token')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('user_id', 'text', (c) => c.notNull().references('user_account.id').onDelete('cascade'))
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('token_hash', 'text', (c) => c.notNull().unique())
        .addColumn('token_prefix', 'text', (c) => c.notNull())
        .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
        .addColumn('created_by', 'text', (c) => c.notNull())
        .addColumn('last_used_at', 'timestamptz')
        .addColumn('revoked_at', 'timestamptz')
        .execute();
      await db.schema
        .createTable('login_failure')
        .addColumn('id', 'bigserial', (c) => c.primaryKey())
        .addColumn('key', 'text', (c) => c.notNull())
        .addColumn('at', 'timestamptz', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('login_failure_key_at').on('login_failure').columns(['key', 'at']).execute();
    },
    async down(db: Kysely<any>) {
      for (const table of ['login_failure', 'api_token', 'session', 'user_account']) await db.schema.dropTable(table).execute();
    },
  },
  /** The clean-up on every sign-in deletes by time alone, which the (key, at) index cannot serve but by reading it whole. */
  /** Every API token expires; those made before expiries existed get a year from now. */
  '20261123T1100_api_token_expiry': {
    async up(db: Kysely<any>) {
      await db.schema.alterTable('api_token').addColumn('expires_at', 'timestamptz').execute();
      await db
        .updateTable('api_token')
        .set({ expires_at: sql`now() + interval '365 days'` })
        .execute();
      await db.schema
        .alterTable('api_token')
        .alterColumn('expires_at', (c) => c.setNotNull())
        .execute();
    },
    async down(db: Kysely<any>) {
      await db.schema.alterTable('api_token').dropColumn('expires_at').execute();
    },
  },
  /** The Team page's list (newest first, by role) and the last-admin check (active admins) read these. */
  '20261123T1230_user_account_list': {
    async up(db: Kysely<any>) {
      await db.schema.createIndex('user_account_created_at').on('user_account').columns(['created_at', 'id']).execute();
      await db.schema.createIndex('user_account_role_disabled').on('user_account').columns(['role', 'disabled']).execute();
    },
    async down(db: Kysely<any>) {
      await db.schema.dropIndex('user_account_role_disabled').execute();
      await db.schema.dropIndex('user_account_created_at').execute();
    },
  },
  '20261123T1000_login_failure_at': {
    async up(db: Kysely<any>) {
      await db.schema.createIndex('login_failure_at').on('login_failure').column('at').execute();
    },
    async down(db: Kysely<any>) {
      await db.schema.dropIndex('login_failure_at').execute();
    },
  },
};
