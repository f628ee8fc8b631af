import { create } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { provisioningV1 } from '@opsledger/contracts';
import { migrateToLatest } from '@opsledger/db';
import { ensureCheckpointRow, runnerMigrations, saveCheckpoint, type StoredEvent } from '@opsledger/eventstore';
import { createTestDatabase, type TestDatabase } from '@opsledger/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { provisioningLogProjection } from './provisioning-log.projection';

// The search's per-subject counts across a rolling deploy: a runner of the release before (no counts) may still be
// projecting after this release's migration counted the subjects.
let pgdb: TestDatabase;
beforeAll(async () => {
  pgdb = await createTestDatabase('opsledger-provisioning-log-projection');
});
afterAll(async () => {
  await pgdb?.dispose();
});

/** A fresh schema migrated as the runner migrates it: its own tables, the checkpoint row, then the read model. */
async function migrated() {
  const schema = await pgdb.newSchema();
  const projection = provisioningLogProjection(schema);
  await migrateToLatest(pgdb.db, schema, runnerMigrations, 'projection_runner_migration');
  await ensureCheckpointRow(pgdb.db.withSchema(schema), projection.name);
  await migrateToLatest(pgdb.db, schema, projection.migrations, 'provisioning_log_migration');
  return { projection, db: pgdb.db.withSchema(schema) };
}

const attempt = (id: string, serviceId: string) =>
  ({
    type: provisioningV1.ProvisioningAttemptRecordedSchema.typeName,
    data: create(provisioningV1.ProvisioningAttemptRecordedSchema, {
      attemptId: id,
      serviceId,
      dispatchId: `d-${id}`,
      domain: `${serviceId}.example`,
      clientName: 'Ada Ltd',
      attempt: 1,
      success: true,
      requestJson: '{}',
      responseJson: '{}',
      at: timestampFromDate(new Date()),
    }),
    occurredAt: new Date(),
  }) as unknown as StoredEvent;

/** An attempt as the release before this one projected it: the row alone. */
const oldRow = (id: string, serviceId: string) => ({
  id,
  service_id: serviceId,
  dispatch_id: `d-${id}`,
  domain: `${serviceId}.example`,
  client_name: 'Ada Ltd',
  action: 'create',
  attempt: 1,
  status: 'success',
  request: '{}',
  response: '{}',
  duration_ms: 5,
  created_at: new Date(),
});

const counts = async (db: Awaited<ReturnType<typeof migrated>>['db']) =>
  Object.fromEntries(
    (await db.selectFrom('provisioning_log_subject_attempts').select(['service_id', 'attempts']).execute()).map((r) => [
      r.service_id,
      Number(r.attempts),
    ]),
  );

describe('provisioning-log projection: the search subjects and their counts', () => {
  it('attempts the release before projected after the migration counted are counted by the first batch of this one', async () => {
    const { projection, db } = await migrated();
    // The old runner, still active during the deploy, adds two attempts of svc-a and one of svc-b, and moves on.
    await db
      .insertInto('provisioning_log')
      .values([oldRow('a1', 'svc-a'), oldRow('a2', 'svc-a'), oldRow('b1', 'svc-b')])
      .execute();
    await db.transaction().execute((trx) => saveCheckpoint(trx, projection.name, 3));
    // This release takes over.
    await db.transaction().execute((trx) => projection.apply(trx, [attempt('a3', 'svc-a')]));
    expect(await counts(db)).toEqual({ 'svc-a': 3, 'svc-b': 1 });
    expect(
      (await db.selectFrom('provisioning_log_subject').select('service_id').orderBy('service_id').execute()).map((r) => r.service_id),
    ).toEqual(['svc-a', 'svc-b']);
    // Counted once: later batches add to the counts.
    await db.transaction().execute((trx) => projection.apply(trx, [attempt('a4', 'svc-a'), attempt('a4', 'svc-a')]));
    expect(await counts(db)).toEqual({ 'svc-a': 4, 'svc-b': 1 });
  });

  it('with no other release projecting in between, the migration’s count stands and each attempt counts once', async () => {
    const { projection, db } = await migrated();
    await db.transaction().execute((trx) => projection.apply(trx, [attempt('c1', 'svc-c'), attempt('c2', 'svc-c')]));
    // Redelivered: already there, not counted again.
    await db.transaction().execute((trx) => projection.apply(trx, [attempt('c2', 'svc-c')]));
    expect(await counts(db)).toEqual({ 'svc-c': 2 });
  });

  it('an attempt’s row holds its event: the payloads as JSON, the action and status named, no diagnosis as null', async () => {
    const { projection, db } = await migrated();
    const at = new Date(Date.UTC(2026, 10, 24, 9, 30));
    const failed = {
      type: provisioningV1.ProvisioningAttemptRecordedSchema.typeName,
      data: create(provisioningV1.ProvisioningAttemptRecordedSchema, {
        attemptId: 'f1',
        serviceId: 'svc-f',
        dispatchId: 'd-f1',
        domain: 'f.example',
        clientName: 'Grace "G" O\'Neil',
        action: provisioningV1.ProvisioningAction.SUSPEND,
        attempt: 3,
        success: false,
        requestJson: '{"action":"suspend","reason":"unpaid \\\\ overdue","tags":["a","b"]}',
        responseJson: '{"result":"error","message":"Account locked"}',
        durationMs: 840,
        diagnosisCode: 'account_locked',
        cause: 'The panel locked the account.',
        fix: 'Unlock it in the panel.',
        at: timestampFromDate(at),
      }),
      occurredAt: new Date(),
      correlationId: 'corr-1',
    } as unknown as StoredEvent;
    await db.transaction().execute((trx) => projection.apply(trx, [failed, attempt('s1', 'svc-s')]));
    const rows = await db.selectFrom('provisioning_log').selectAll().orderBy('id').execute();
    expect(rows.map(({ seq: _seq, ...row }) => row)).toEqual([
      {
        id: 'f1',
        service_id: 'svc-f',
        dispatch_id: 'd-f1',
        domain: 'f.example',
        client_name: 'Grace "G" O\'Neil',
        action: 'suspend',
        attempt: 3,
        status: 'failed',
        request: { action: 'suspend', reason: 'unpaid \\ overdue', tags: ['a', 'b'] },
        response: { result: 'error', message: 'Account locked' },
        duration_ms: 840,
        diagnosis_code: 'account_locked',
        cause: 'The panel locked the account.',
        fix: 'Unlock it in the panel.',
        created_at: at,
        correlation_id: 'corr-1',
      },
      expect.objectContaining({
        id: 's1',
        status: 'success',
        action: 'create',
        request: {},
        diagnosis_code: null,
        cause: null,
        fix: null,
        correlation_id: null,
      }),
    ]);
  });
});
