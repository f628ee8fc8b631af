import type { Message } from '@bufbuild/protobuf';
import type { AggregateRef } from '@opsledger/contracts';
import type { AppendContext } from './event';
import type { EventStore } from './event-store';
import { withConcurrencyRetry } from './retry';

/** An aggregate's pure rules: Emmett-style decide/evolve over protobuf event messages. */
export interface Decider<S, C extends { now: Date }, E extends Message> {
  initialState: () => S;
  evolve: (state: S, event: E) => S;
  decide: (state: S, command: C) => E[];
}

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
): Promise<{ events: E[]; version: number }> {
  const evolver = { initialState: decider.initialState, evolve: (s: S, e: { data: unknown }) => decider.evolve(s, e.data as E) };
  return withConcurrencyRetry(async () => {
    const { state, version } = await deps.store.load(ref, evolver);
    const events = decider.decide(state, command);
    if (events.length === 0) return { events, version };
    const appended = await deps.store.append(
      ref,
      events.map((data) => ({ id: deps.newId(), data, occurredAt: command.now })),
      version,
      ctx,
    );
    return { events, version: appended.version };
  });
}
