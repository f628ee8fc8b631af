import { WrongExpectedVersionError } from './errors';

/**
 * Runs load → decide → append again when another writer got there first.
 * This is optimistic concurrency, not a retry of a failing operation: each
 * round decides on fresh state, and a handful of rounds settles any realistic
 * contention on one aggregate.
 */
export async function withConcurrencyRetry<T>(attempt: () => Promise<T>, maxRounds = 5): Promise<T> {
  for (let round = 1; ; round++) {
    try {
      return await attempt();
    } catch (error) {
      if (!(error instanceof WrongExpectedVersionError) || round >= maxRounds) throw error;
    }
  }
}
