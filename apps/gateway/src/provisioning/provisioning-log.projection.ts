import { timestampDate } from '@bufbuild/protobuf/wkt';
import { provisioningV1 } from '@opsledger/contracts';
import type { Generated, Migrations, Timestamp } from '@opsledger/db';
import type { Projection } from '@opsledger/eventstore';
import { type Kysely, type Selectable, sql } from 'kysely';

/** One Provisioning Log entry: one call to the panel's API. */
export interface ProvisioningLogTable {
  id: string;
  service_id: string;
  dispatch_id: string;
  domain: string;
  client_name: string;
  action: provisioningV1.ProvisioningActionName;
  attempt: number;
  status: 'success' | 'failed';
  request: unknown;
  response: unknown;
  duration_ms: number;
  diagnosis_code: string | null;
  cause: string | null;
  fix: string | null;
  created_at: Timestamp;
  seq: Generated<number>;
}
export interface ProvisioningReadModel {
  provisioning_log: ProvisioningLogTable;
}
export type ProvisioningLogRow = Selectable<ProvisioningLogTable>;

const migrations: Migrations = {
  '20261122T0030_create_provisioning_log': {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('provisioning_log')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('service_id', 'text', (c) => c.notNull())
        .addColumn('dispatch_id', 'text', (c) => c.notNull())
        .addColumn('domain', 'text', (c) => c.notNull())
        .addColumn('client_name', 'text', (c) => c.notNull())
        .addColumn('action', 'text', (c) => c.notNull())
        .addColumn('attempt', 'smallint', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('request', 'jsonb', (c) => c.notNull())
        .addColumn('response', 'jsonb', (c) => c.notNull())
        .addColumn('duration_ms', 'integer', (c) => c.notNull())
        .addColumn('diagnosis_code', 'text')
        .addColumn('cause', 'text')
        .addColumn('fix', 'text')
        .addColumn('created_at', 'timestamptz', (c) => c.notNull())
        .addColumn('seq', 'bigserial')
        .execute();
      await db.schema.createIndex('provisioning_log_created').on('provisioning_log').columns(['created_at desc', 'id desc']).execute();
      await db.schema.createIndex('provisioning_log_service').on('provisioning_log').columns(['service_id', 'created_at desc']).execute();
    },
  },
};

/** The Provisioning Log page's read model: one row per attempt, payloads as stored (already redacted). */
export function provisioningLogProjection(schema: string): Projection<ProvisioningReadModel> {
  return {
    name: 'provisioning-log',
    context: 'provisioning',
    schema,
    migrations,
    tables: ['provisioning_log'],
    async apply(trx, events) {
      const rows = events
        .filter((e) => e.type === provisioningV1.ProvisioningAttemptRecordedSchema.typeName)
        .map((e) => {
          const a = e.data as provisioningV1.ProvisioningAttemptRecorded;
          return {
            id: a.attemptId,
            service_id: a.serviceId,
            dispatch_id: a.dispatchId,
            domain: a.domain,
            client_name: a.clientName,
            action: provisioningV1.ProvisioningActionNames[a.action] ?? 'create',
            attempt: a.attempt,
            status: a.success ? ('success' as const) : ('failed' as const),
            request: sql`${a.requestJson}::jsonb`,
            response: sql`${a.responseJson}::jsonb`,
            duration_ms: a.durationMs,
            diagnosis_code: a.diagnosisCode || null,
            cause: a.cause || null,
            fix: a.fix || null,
            created_at: a.at ? timestampDate(a.at) : e.occurredAt,
          };
        });
      if (rows.length)
        await trx
          .insertInto('provisioning_log')
          .values(rows as never)
          .onConflict((oc) => oc.column('id').doNothing())
          .execute();
      // A prune purged the old entries' events; their rows go with them. (An entry is recorded at its own time, never days
      // before its event, so doing the batch's inserts first cannot keep or drop one that stream order would not.)
      for (const e of events)
        if (e.type === provisioningV1.ProvisioningLogPrunedSchema.typeName) {
          const { before } = e.data as provisioningV1.ProvisioningLogPruned;
          if (before) await trx.deleteFrom('provisioning_log').where('created_at', '<', timestampDate(before)).execute();
        }
    },
  };
}
