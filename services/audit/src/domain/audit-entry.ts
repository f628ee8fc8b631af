import { create } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { ActorKind, ActorSchema, auditV1, Source } from '@opsledger/contracts';
import type { EventSource, StoredEvent } from '@opsledger/eventstore';
import { v5 as uuidv5 } from 'uuid';
import type { MappingRow } from './audit-mapping';
import { diffStates, type FieldChangeDraft, nextState, type ResourceState } from './diff';

/** What the audit service knows of an account at the time (its private projection of IDENTITY). */
export interface KnownActor {
  email: string;
  role: string;
}

/** An entry before it has its place in the chain (sequence, prev_hash, hash). */
export type EntryDraft = Omit<auditV1.AuditEntryRecorded, '$typeName' | '$unknown' | 'sequence' | 'prevHash' | 'hash'>;

/** Namespace of the entry ids: an entry's id is a UUIDv5 of its source event's id, so a redelivered event makes the same id. */
const ENTRY_ID_NAMESPACE = '6f1d3c52-8a52-4c1e-9a8e-2f1f5a0c7d11';
export const entryIdFor = (sourceEventId: string) => uuidv5(sourceEventId, ENTRY_ID_NAMESPACE);

const SOURCE: Record<EventSource, Source> = { console: Source.CONSOLE, api: Source.API, cli: Source.CLI, system: Source.SYSTEM };
const KIND = { staff: ActorKind.STAFF, customer: ActorKind.CUSTOMER, system: ActorKind.SYSTEM } as const;

/** A person or a program caused it: anything but the system acting on its own (actor system with source system). */
export function causedByActor(event: Pick<StoredEvent, 'actor' | 'source'>): boolean {
  return !(event.actor.kind === 'system' && event.source === 'system');
}

export interface Recognised {
  /** The entry to record; undefined when the event is not an admin action. */
  draft: EntryDraft | undefined;
  /** The resource whose remembered state moves, and its state after the event. */
  resource?: { key: string; state: ResourceState };
}

/**
 * The audit view of one event: pure. `previous` is the resource's remembered
 * state (for the diff); `actor` what the identity projection knows of the
 * actor; `clientIp` the Ops-Client-Ip header when the event carries one.
 */
export function recognise(
  event: StoredEvent,
  row: MappingRow | undefined,
  ctx: { stream: string; previous?: ResourceState; actor?: KnownActor; clientIp?: string },
): Recognised {
  if (!row) throw new Error(`event type ${event.type} has no row in the audit mapping (services/audit/src/domain/audit-mapping.ts)`);
  const data = event.data as never;
  const resource =
    row.resourceType && row.resourceId ? { type: row.resourceType, id: row.resourceId(data), state: row.state?.(data) } : undefined;
  const replaces = row.replaces ?? false;
  const moved = resource?.state
    ? { key: `${resource.type}/${resource.id}`, state: nextState(ctx.previous, resource.state, replaces) }
    : undefined;
  if (row.kind === 'system' || !causedByActor(event)) return { draft: undefined, ...(moved ? { resource: moved } : {}) };

  const diff: FieldChangeDraft[] = resource?.state ? diffStates(ctx.previous, resource.state, replaces) : [];
  const cli = event.source === 'cli' && event.actor.kind === 'system' ? event.actor.id.split('@') : undefined;
  const draft: EntryDraft = {
    entryId: entryIdFor(event.id),
    sourceEventId: event.id,
    sourceEventType: event.type,
    sourceStream: ctx.stream,
    actor: create(ActorSchema, { userId: event.actor.id, kind: KIND[event.actor.kind] }),
    actorEmail: ctx.actor?.email ?? '',
    actorRole: ctx.actor?.role ?? (event.actor.kind === 'system' ? 'system' : ''),
    source: SOURCE[event.source],
    clientIp: ctx.clientIp ?? '',
    osUser: cli && cli.length === 2 ? cli[0]! : '',
    host: cli && cli.length === 2 ? cli[1]! : '',
    action: typeof row.action === 'function' ? row.action(data) : row.action,
    resourceType: row.resourceType,
    resourceId: resource?.id ?? event.aggregateId,
    correlationId: event.correlationId ?? '',
    occurredAt: timestampFromDate(event.occurredAt),
    diff: diff.map((c) => create(auditV1.FieldChangeSchema, c)),
  };
  return { draft, ...(moved ? { resource: moved } : {}) };
}
