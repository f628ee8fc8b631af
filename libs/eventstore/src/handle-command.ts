import type { Message } from '@bufbuild/protobuf';
import type { AggregateRef } from '@opsledger/contracts';
import type { AppendContext } from './event';
import type { EventStore } from './event-store';
import { RuleViolation } from './domain-errors';
import { withConcurrencyRetry } from './retry';

/** An aggregate's pure rules: Emmett-style decide/evolve over protobuf event messages. */
export interface Decider<S, C extends { now: Date }, E extends Message> {
  initialState: () => S;
  evolve: (state: S, event: E) => S;
  decide: (state: S, command: C) => E[];
}

/**
 * A creating command sent with an idempotency key: its aggregate's id was
 * derived from the key (with the actor and command type), so an aggregate
 * already there was created under this key. `eventId(i)` derives the ids of
 * the events from the key and the request: the first one's id tells whether
 * that creation was this very request (a retry: nothing is appended, the
 * first result stands) or another request under the same key (refused).
 * Event ids derived this way are also the Nats-Msg-Id, so two concurrent
 * sends of one request are stored once.
 */
export interface IdempotentCreate {
  key: string;
  eventId: (index: number) => string;
  /**
   * False for a keyed command to an aggregate that exists already (an action
   * dispatch): its handler recognises its earlier result itself, and here the
   * key only gives the event ids. Default true.
   */
  creates?: boolean;
}

/** The key named a creation already made by a different request (409: the same key must carry the same request). */
export class IdempotencyKeyReused extends RuleViolation {}

export interface HandleCommandDeps {
  store: EventStore;
  newId: () => string;
}

/**
 * The one way a command reaches an aggregate: load its events, decide,
 * append at the version loaded. Another writer in between means deciding
 * again on fresh state, never appending on stale state. A decider's refusal
 * propagates as its own error for the caller to map (409 over NATS,
 * non-retryable in an activity).
 */
export function handleCommand<S, C extends { now: Date }, E extends Message>(
  deps: HandleCommandDeps,
  ref: AggregateRef,
  decider: Decider<S, C, E>,
  command: C,
  ctx: AppendContext,
  idempotent?: IdempotentCreate,
): Promise<{ events: E[]; version: number; replayed?: boolean }> {
  const evolver = { initialState: decider.initialState, evolve: (s: S, e: { data: unknown }) => decider.evolve(s, e.data as E) };
  return withConcurrencyRetry(async () => {
    const { state, version } = await deps.store.load(ref, evolver);
    if (idempotent && idempotent.creates !== false && version > 0) {
      const [first] = await deps.store.read(ref);
      if (first?.id === idempotent.eventId(0)) return { events: [], version, replayed: true };
      throw new IdempotencyKeyReused(
        `Idempotency-Key ${JSON.stringify(idempotent.key)} was already used for a different request; send a new key for a new request`,
      );
    }
    const events = decider.decide(state, command);
    if (events.length === 0) return { events, version };
    const appended = await deps.store.append(
      ref,
      events.map((data, i) => ({ id: idempotent ? idempotent.eventId(i) : deps.newId(), data, occurredAt: command.now })),
      version,
      ctx,
    );
    return { events, version: appended.version };
  });
}
