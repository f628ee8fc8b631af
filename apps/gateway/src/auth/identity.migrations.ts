import type { Migrations } from '@opsledger/db';
import { type Kysely, sql } from 'kysely';

/** The identity schema's migrations; `schema` names it in raw SQL, which the schema plugin does not qualify. */
export const identityMigrations = (schema: string): Migrations => ({
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
  /** The clean-up on every sign-in deletes by time alone, which the (key, at) index cannot serve but by reading it whole. */
  '20261123T1000_login_failure_at': {
    async up(db: Kysely<any>) {
      await db.schema.createIndex('login_failure_at').on('login_failure').column('at').execute();
    },
    async down(db: Kysely<any>) {
      await db.schema.dropIndex('login_failure_at').execute();
    },
  },
  /**
   * Every gateway remembers its session and token checks for a few seconds (PrincipalCache): each committed change to an
   * account, a session or a token is announced on IDENTITY_CHANNEL, so every replica forgets what it made stale. A
   * trigger, so no path that changes these rows (the API, the CLI, a prune, a cascade) can forget to announce it.
   */
  '20261123T2000_identity_change_notices': {
    async up(db: Kysely<any>) {
      const notify = sql.id(schema, 'notify_identity_change');
      await sql`
        create function ${notify}() returns trigger language plpgsql as $$
        begin
          perform pg_notify(${sql.lit(IDENTITY_CHANNEL)}, tg_table_schema || ' ' || tg_argv[0] || ' ' || (to_jsonb(old) ->> tg_argv[1]));
          return null;
        end $$`.execute(db);
      for (const [table, kind, key] of NOTIFYING_TABLES) {
        await sql`
          create trigger ${sql.id(`${table}_changed`)} after update or delete on ${sql.id(schema, table)}
          for each row execute function ${notify}(${sql.lit(kind)}, ${sql.lit(key)})`.execute(db);
      }
    },
    async down(db: Kysely<any>) {
      for (const [table] of NOTIFYING_TABLES) await sql`drop trigger ${sql.id(`${table}_changed`)} on ${sql.id(schema, table)}`.execute(db);
      await sql`drop function ${sql.id(schema, 'notify_identity_change')}()`.execute(db);
    },
  },
  // An account's sessions: its expired ones go as it signs in (createSession), all of them when it is disabled, and with
  // it when it is deleted (the foreign key's cascade). Each read the whole table without this.
  '20261124T1300_session_user': {
    async up(db: Kysely<any>) {
      await db.schema.createIndex('session_user_expires').on('session').columns(['user_id', 'expires_at']).execute();
    },
    async down(db: Kysely<any>) {
      await db.schema.dropIndex('session_user_expires').execute();
    },
  },
});

/** The Postgres NOTIFY channel of identity changes: payload `<schema> user <account id>` or `<schema> token <token hash>`. */
export const IDENTITY_CHANNEL = 'opsledger_identity';

/** Each table whose rows a remembered check depends on: the change it announces, and the column that names it. */
const NOTIFYING_TABLES = [
  ['user_account', 'user', 'id'],
  ['session', 'token', 'token_hash'],
  ['api_token', 'token', 'token_hash'],
] as const;
