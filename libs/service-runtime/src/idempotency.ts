import { type DescMessage, type MessageShape, toJsonString } from '@bufbuild/protobuf';
import type { Actor } from '@opsledger/contracts';
import type { IdempotentCreate } from '@opsledger/eventstore';
import type { CommandMeta } from '@opsledger/messaging';
import { createHash } from 'node:crypto';

/** A UUID (version 8, RFC 9562: vendor-defined) made of the first 122 bits of the SHA-256 of `parts`. */
export function uuidFromHash(...parts: string[]): string {
  const b = createHash('sha256').update(JSON.stringify(parts)).digest().subarray(0, 16);
  b[6] = (b[6]! & 0x0f) | 0x80;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

export interface CreationIds {
  /** The new aggregate's (or, with `within`, the new thing's, e.g. a dispatch's) id: derived from (actor, command type, key) when the command has a key, else fresh. */
  aggregateId: string;
  /** For handleCommand: the event ids derived from the key and the request, and the check for a retry. */
  idempotent: IdempotentCreate | undefined;
}

/**
 * The ids of what a creating command makes. With an Idempotency-Key, the
 * aggregate's id comes from (actor, command type, key), so a client's retry
 * lands on the same aggregate; the event ids also take in the request itself
 * (the command as protobuf JSON), so handleCommand tells a retry of the same
 * request (answered with the first result) from a different request reusing
 * the key (refused, 409). Without one, fresh ids as before.
 */
export function creationIds<C extends DescMessage>(
  schema: C,
  command: MessageShape<C> & { actor?: Actor | undefined },
  meta: CommandMeta,
  newId: () => string,
  /** For a command to an existing aggregate: its id, so one key on two aggregates names two requests (and two new ids). */
  within?: string,
): CreationIds {
  const key = meta.idempotencyKey;
  if (!key) return { aggregateId: newId(), idempotent: undefined };
  const scope = [String(command.actor?.kind ?? ''), command.actor?.userId ?? '', meta.commandType ?? schema.typeName, key, within ?? ''];
  const request = createHash('sha256').update(toJsonString(schema, command)).digest('hex');
  const aggregateId = uuidFromHash('aggregate', ...scope);
  return {
    aggregateId,
    idempotent: { key, eventId: (index) => uuidFromHash('event', aggregateId, request, String(index)), creates: within === undefined },
  };
}
