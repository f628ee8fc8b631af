import type { AggregateRef } from '@opsledger/contracts';

/**
 * Another writer appended to the aggregate since it was loaded. The caller
 * reloads the aggregate, decides again and retries (see `withConcurrencyRetry`).
 */
export class WrongExpectedVersionError extends Error {
  override readonly name = 'WrongExpectedVersionError';
  constructor(
    readonly aggregate: AggregateRef,
    readonly expectedVersion: number,
  ) {
    super(`${aggregate.type} ${aggregate.id} changed since version ${expectedVersion}; reload and retry`);
  }
}

/** A stored message this code cannot turn back into an event: it goes to the dead-letter table. */
export class UndecodableEventError extends Error {
  override readonly name = 'UndecodableEventError';
}
