import type { ActorRef, EventSource, EventStore } from '@opsledger/eventstore';

/** Who created an account and through which door: the CLI or the first-look seed (the Team page passes its own per request). */
export interface AccountCreatedBy {
  actor: ActorRef;
  source: EventSource;
  correlationId?: string;
}

/**
 * Where and as whom a tool (the CLI, the seed) records account changes on the IDENTITY stream
 * (evt.identity.account.<id>): createAccount hands both to AccountCommands, which decides the events, appends them
 * and then writes the row.
 */
export class AccountEvents {
  constructor(
    readonly store: EventStore,
    readonly by: AccountCreatedBy,
  ) {}
}
