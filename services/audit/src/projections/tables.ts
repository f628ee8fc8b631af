import type { Migrations } from '@opsledger/db';
import type { Kysely } from 'kysely';

/**
 * The audit service's private tables, in `<prefix>_audit_service`:
 * - audit_recorded: every source event that has its entry (the chain's dedupe), written by the chain;
 * - audit_resource_state: each resource's fields as last seen (sensitive ones as digests), what an edit's diff compares with;
 * - audit_actor: account id → email and role, from IDENTITY, for the entries' actor.
 */
export interface AuditServiceTables {
  audit_recorded: { source_event_id: string; sequence: string; stream_seq: number };
  audit_resource_state: { resource_key: string; state: unknown };
  audit_actor: { account_id: string; email: string; role: string };
}

/**
 * Every source projection (one per context) runs these under its own
 * migration history; `if not exists` makes that harmless.
 */
export const auditServiceMigrations: Migrations = {
  '20261123T1200_audit_service_tables': {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('audit_recorded')
        .ifNotExists()
        .addColumn('source_event_id', 'text', (c) => c.primaryKey())
        .addColumn('sequence', 'bigint', (c) => c.notNull())
        .addColumn('stream_seq', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('audit_resource_state')
        .ifNotExists()
        .addColumn('resource_key', 'text', (c) => c.primaryKey())
        .addColumn('state', 'jsonb', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('audit_actor')
        .ifNotExists()
        .addColumn('account_id', 'text', (c) => c.primaryKey())
        .addColumn('email', 'text', (c) => c.notNull())
        .addColumn('role', 'text', (c) => c.notNull())
        .execute();
    },
  },
};
