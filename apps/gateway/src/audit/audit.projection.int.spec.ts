import { create } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { ActorKind, auditV1, Source } from '@opsledger/contracts';
import { describe, expect, it } from 'vitest';
import { storedEvents } from '../test-support/stored-events';
import { auditProjection } from './audit.projection';
import { projectBatches } from '../test-support/project-batches';

const event = storedEvents('audit', 'chain');
const entry = (sequence: number) =>
  event(
    'main',
    create(auditV1.AuditEntryRecordedSchema, {
      sequence: BigInt(sequence),
      entryId: `entry-${sequence}`,
      sourceEventId: `source-${sequence}`,
      sourceEventType: 'platform.identity.v1.AccountPasswordChanged',
      sourceStream: 'IDENTITY',
      actor: { kind: ActorKind.STAFF, userId: 'admin-1' },
      actorEmail: 'admin@example.test',
      actorRole: 'admin',
      source: Source.CONSOLE,
      clientIp: '203.0.113.7',
      action: 'user.password-changed',
      resourceType: 'user',
      resourceId: `user-${sequence}`,
      correlationId: `corr-${sequence}`,
      occurredAt: timestampFromDate(new Date(Date.UTC(2026, 10, 24, 9, sequence))),
      diff: [
        { field: 'password', sensitive: true, oldValue: 'old secret', newValue: 'new "secret" \\ {x}' },
        { field: 'name', sensitive: false, oldValue: 'Ada', newValue: 'Ada "L"' },
      ],
      prevHash: `hash-${sequence - 1}`,
      hash: `hash-${sequence}`,
    }),
  );
const checkpoint = (through: number) =>
  event(
    'main',
    create(auditV1.AuditChainCheckpointedSchema, {
      throughSequence: BigInt(through),
      throughHash: `hash-${through}`,
      entriesRemoved: BigInt(through),
      at: timestampFromDate(new Date(Date.UTC(2026, 10, 24, 10))),
    }),
  );

/** A fresh Audit Log with the events applied, one transaction per batch, as the runner applies them. */
const project = projectBatches(auditProjection, {
  entries: { table: 'audit_entry', orderBy: 'sequence' },
  checkpoints: { table: 'audit_checkpoint', orderBy: 'through_sequence' },
});

describe('audit-log projection: given entries and a retention checkpoint between them in one batch', () => {
  const earlier = [entry(1), entry(2)];
  // Entry 2 redelivered; the checkpoint cuts through 3, in its place: entries after it stay.
  const batch = [entry(2), entry(3), checkpoint(3), entry(4), entry(5)];

  it('then the rows are those of applying each event in a transaction of its own', async () => {
    const together = await project([earlier, batch]);
    expect(together).toEqual(await project([...earlier, ...batch].map((e) => [e])));
    expect(together.entries.map((e) => e.sequence)).toEqual([4, 5]);
    expect(together.checkpoints).toMatchObject([{ through_sequence: 3, through_hash: 'hash-3' }]);
  });

  it('then an entry keeps every field, and a sensitive field its name only', async () => {
    const { entries } = await project([batch.slice(3)]);
    expect(entries[0]).toEqual({
      sequence: 4,
      id: 'entry-4',
      source_event_id: 'source-4',
      source_event_type: 'platform.identity.v1.AccountPasswordChanged',
      source_stream: 'IDENTITY',
      actor_kind: 'staff',
      actor_id: 'admin-1',
      actor_email: 'admin@example.test',
      actor_role: 'admin',
      source: 'console',
      client_ip: '203.0.113.7',
      os_user: '',
      host: '',
      action: 'user.password-changed',
      resource_type: 'user',
      resource_id: 'user-4',
      correlation_id: 'corr-4',
      occurred_at: new Date(Date.UTC(2026, 10, 24, 9, 4)),
      diff: [
        { field: 'password', sensitive: true },
        { field: 'name', sensitive: false, oldValue: 'Ada', newValue: 'Ada "L"' },
      ],
      prev_hash: 'hash-3',
      hash: 'hash-4',
    });
  });
});
