import { timestampDate } from '@bufbuild/protobuf/wkt';
import { ActorKind, type auditV1, Source } from '@opsledger/contracts';
import type { Projection, StoredEvent } from '@opsledger/eventstore';
import type { Transaction } from 'kysely';
import type { AuditTables, DiffFieldJson } from './audit-tables';
import { auditMigrations } from './audit.migrations';

const ACTOR_KINDS: Record<ActorKind, string> = {
  [ActorKind.UNSPECIFIED]: 'system',
  [ActorKind.STAFF]: 'staff',
  [ActorKind.CUSTOMER]: 'customer',
  [ActorKind.SYSTEM]: 'system',
};
const SOURCES: Record<Source, string> = {
  [Source.UNSPECIFIED]: 'system',
  [Source.CONSOLE]: 'console',
  [Source.API]: 'api',
  [Source.CLI]: 'cli',
  [Source.SYSTEM]: 'system',
};

/**
 * A sensitive field keeps its name only: whatever values an entry carried for it are dropped here, so no secret can
 * reach the read model (and from it the API or the CSV) even from an entry that should not have had one.
 */
export function diffOf(changes: readonly auditV1.FieldChange[]): DiffFieldJson[] {
  return changes.map((c) =>
    c.sensitive ? { field: c.field, sensitive: true } : { field: c.field, sensitive: false, oldValue: c.oldValue, newValue: c.newValue },
  );
}

/**
 * The AUDIT stream as the Audit Log reads it: one row per entry, applied once
 * per chain sequence (a replay or a rebuild writes the same rows), and each
 * retention checkpoint, which also removes the entries it cut off.
 */
export function auditProjection(schema: string): Projection<AuditTables> {
  return {
    name: 'audit-log',
    context: 'audit',
    schema,
    migrations: auditMigrations,
    tables: ['audit_entry', 'audit_checkpoint'],
    async apply(trx, events) {
      for (const event of events) await applyOne(trx, event);
    },
  };
}

async function applyOne(trx: Transaction<AuditTables>, event: StoredEvent): Promise<void> {
  const data = event.data as auditV1.ChainEvent;
  switch (data.$typeName) {
    case 'platform.audit.v1.AuditEntryRecorded': {
      await trx
        .insertInto('audit_entry')
        .values({
          sequence: Number(data.sequence),
          id: data.entryId,
          source_event_id: data.sourceEventId,
          source_event_type: data.sourceEventType,
          source_stream: data.sourceStream,
          actor_kind: ACTOR_KINDS[data.actor?.kind ?? ActorKind.UNSPECIFIED] ?? 'system',
          actor_id: data.actor?.userId ?? '',
          actor_email: data.actorEmail,
          actor_role: data.actorRole,
          source: SOURCES[data.source] ?? 'system',
          client_ip: data.clientIp,
          os_user: data.osUser,
          host: data.host,
          action: data.action,
          resource_type: data.resourceType,
          resource_id: data.resourceId,
          correlation_id: data.correlationId,
          occurred_at: data.occurredAt ? timestampDate(data.occurredAt) : event.occurredAt,
          diff: JSON.stringify(diffOf(data.diff)),
          prev_hash: data.prevHash,
          hash: data.hash,
        })
        .onConflict((oc) => oc.column('sequence').doNothing())
        .execute();
      return;
    }
    case 'platform.audit.v1.AuditChainCheckpointed': {
      const through = Number(data.throughSequence);
      await trx.deleteFrom('audit_entry').where('sequence', '<=', through).execute();
      await trx
        .insertInto('audit_checkpoint')
        .values({
          through_sequence: through,
          through_hash: data.throughHash,
          cutoff: data.cutoff ? timestampDate(data.cutoff) : null,
          entries_removed: Number(data.entriesRemoved),
          at: data.at ? timestampDate(data.at) : event.occurredAt,
        })
        .onConflict((oc) => oc.column('through_sequence').doNothing())
        .execute();
      return;
    }
    default: {
      const never: never = data;
      throw new Error(`audit-log cannot project ${(never as { $typeName: string }).$typeName}`);
    }
  }
}
