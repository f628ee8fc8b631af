import type { Message } from '@bufbuild/protobuf';

/** Who caused an event: a user (staff or customer) or the system itself. */
export interface ActorRef {
  kind: 'staff' | 'customer' | 'system';
  /** User id, or for the system the component's name (e.g. `scheduler`). */
  id: string;
}

export type EventSource = 'console' | 'api' | 'cli' | 'system';

/** What one command appends: its actor, source and trace apply to all its events. */
export interface AppendContext {
  actor: ActorRef;
  source: EventSource;
  /** W3C traceparent of the command; when absent the active OpenTelemetry span is used. */
  traceparent?: string;
  /** The correlation id of what caused the command (Ops-Correlation-Id); absent: none is written. */
  correlationId?: string;
  /** The client address of the request that caused the command (Ops-Client-Ip); absent: none is written. */
  clientIp?: string;
}

/** An event about to be appended. `data` is a protobuf-es message; its `$typeName` is the event type. */
export interface NewEvent<M extends Message = Message> {
  /** UUIDv7: also the Nats-Msg-Id, so a retried append is stored once. */
  id: string;
  data: M;
  occurredAt: Date;
}

export interface StoredEvent<M extends Message = Message> extends NewEvent<M> {
  type: string;
  aggregateId: string;
  subject: string;
  /** Stream sequence: the event's position in its context's stream. */
  streamSeq: number;
  actor: ActorRef;
  source: EventSource;
  traceparent: string | undefined;
  /** Ops-Correlation-Id, when the appender gave one (events stored before it existed have none). */
  correlationId: string | undefined;
  /** Ops-Client-Ip, when the command came from a client request that gave one. */
  clientIp?: string | undefined;
}

export function formatActor(actor: ActorRef): string {
  return `${actor.kind}:${actor.id}`;
}

export function parseActor(header: string | undefined): ActorRef {
  const at = header?.indexOf(':') ?? -1;
  const kind = header?.slice(0, at);
  if (!header || at < 0 || (kind !== 'staff' && kind !== 'customer' && kind !== 'system')) {
    throw new Error(`malformed Ops-Actor header ${JSON.stringify(header)}: expected <staff|customer|system>:<id>`);
  }
  return { kind, id: header.slice(at + 1) };
}

const SOURCES: readonly EventSource[] = ['console', 'api', 'cli', 'system'];

export function parseSource(header: string | undefined): EventSource {
  if (!SOURCES.includes(header as EventSource)) {
    throw new Error(`malformed Ops-Source header ${JSON.stringify(header)}: expected one of ${SOURCES.join(', ')}`);
  }
  return header as EventSource;
}
