import { timestampDate } from '@bufbuild/protobuf/wkt';
import { ActorKind, type auditV1, Source } from '@opsledger/contracts';
import type { Projection, StoredEvent } from '@opsledger/eventstore';
import type { Transaction } from 'kysely';
import { type ArrayColumns, columnNames, unnestRows } from '@opsledger/db';
import type { AuditEntryTable, AuditTables, DiffFieldJson } from './audit-tables';
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
      // Entries are inserted a run at a time; a retention checkpoint applies between two runs, in its place in the stream.
      let run: EntryRow[] = [];
      for (const event of events) {
        const data = event.data as auditV1.ChainEvent;
        if (data.$typeName === 'platform.audit.v1.AuditEntryRecorded') {
          run.push(entryRow(event, data));
          continue;
        }
        await insertEntries(trx, schema, run);
        run = [];
        await applyCheckpoint(trx, event, data);
      }
      await insertEntries(trx, schema, run);
    },
  };
}

/** An entry's row as the projection writes it: its diff as JSON text. */
type EntryRow = Omit<AuditEntryTable, 'occurred_at' | 'diff'> & { occurred_at: Date; diff: string };

const ENTRY_COLUMNS: ArrayColumns<EntryRow> = {
  sequence: 'bigint',
  id: 'text',
  source_event_id: 'text',
  source_event_type: 'text',
  source_stream: 'text',
  actor_kind: 'text',
  actor_id: 'text',
  actor_email: 'text',
  actor_role: 'text',
  source: 'text',
  client_ip: 'text',
  os_user: 'text',
  host: 'text',
  action: 'text',
  resource_type: 'text',
  resource_id: 'text',
  correlation_id: 'text',
  occurred_at: 'timestamptz',
  diff: 'jsonb',
  prev_hash: 'text',
  hash: 'text',
};

function entryRow(event: StoredEvent, data: auditV1.AuditEntryRecorded): EntryRow {
  return {
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
  };
}

/** A run of entries in one insert over arrays; each chain sequence once (a replay or a rebuild writes the same rows). */
async function insertEntries(trx: Transaction<AuditTables>, schema: string, rows: EntryRow[]): Promise<void> {
  if (rows.length === 0) return;
  await trx
    .insertInto('audit_entry')
    .columns(columnNames(ENTRY_COLUMNS))
    .expression(unnestRows(rows, ENTRY_COLUMNS))
    .onConflict((oc) => oc.column('sequence').doNothing())
    .execute();
}

/** A retention checkpoint: the entries it cut off go, and the checkpoint is kept. */
async function applyCheckpoint(trx: Transaction<AuditTables>, event: StoredEvent, data: auditV1.AuditChainCheckpointed): Promise<void> {
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
}
