// Pure on purpose: a decider spec is a unit test, so nothing here may reach
// NATS, Postgres or Temporal (this file is its own package export for that reason).
import { expect } from 'vitest';

/** The parts of a decider a spec needs: the same shape as the event store's Decider, without importing it. */
export interface SpecifiedDecider<S, C, E> {
  initialState: () => S;
  evolve: (state: S, event: E) => S;
  decide: (state: S, command: C) => E[];
}

export interface DeciderThen<E> {
  /** The command decides exactly these events (`[]`: it changes nothing). */
  then(expected: E[]): void;
  /** The command is refused with this error class, its message matching when given. */
  thenThrows(error: abstract new (...args: never[]) => Error, message?: RegExp | string): void;
}

/**
 * Emmett-style decider specifications:
 * `given([events]).when(command).then([events])` or `.thenThrows(ErrorClass, /rule/)`.
 * The given events are folded with the decider's own evolve, so a spec
 * states history as it happened, never a hand-built state.
 */
export function deciderSpec<S, C, E>(decider: SpecifiedDecider<S, C, E>) {
  return (given: readonly E[]) => ({
    when(command: C): DeciderThen<E> {
      const decide = () => decider.decide(given.reduce(decider.evolve, decider.initialState()), command);
      return {
        then(expected) {
          expect(decide()).toEqual(expected);
        },
        thenThrows(error, message) {
          let thrown: unknown;
          try {
            decide();
          } catch (caught) {
            thrown = caught;
          }
          expect(thrown, 'the command was not refused').toBeInstanceOf(error);
          if (message !== undefined) expect((thrown as Error).message).toMatch(message);
        },
      };
    },
  });
}
