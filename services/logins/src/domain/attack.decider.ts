/**
 * Brute-force detection for one guarded key (an account, an address or a
 * network): failures inside a sliding window reaching the threshold raise an
 * attack and start a cool-down. While a cool-down runs no new attack is
 * raised (the gateway refuses those attempts anyway); the failures that
 * raised one are spent, so the next attack needs a full threshold again.
 * Pure: time comes in with the command.
 */
export type GuardScope = 'account' | 'ip' | 'asn';

export interface GuardState {
  /** Failures not yet spent on an attack, oldest first. */
  failures: Date[];
  blockedUntil: Date | null;
}

export interface BruteForceLimits {
  threshold: number;
  windowSeconds: number;
  coolDownSeconds: number;
}

export type GuardEvent =
  | { type: 'FailureCounted'; at: Date }
  | { type: 'AttackSuspected'; failures: number; windowSeconds: number; blockedUntil: Date; at: Date }
  | { type: 'BlockLifted'; at: Date };

export type GuardCommand = { kind: 'CountFailure'; at: Date; limits: BruteForceLimits } | { kind: 'LiftBlock'; at: Date };

export const initialGuardState = (): GuardState => ({ failures: [], blockedUntil: null });

export function evolve(state: GuardState, event: GuardEvent): GuardState {
  switch (event.type) {
    case 'FailureCounted':
      return { ...state, failures: [...state.failures, event.at] };
    case 'AttackSuspected':
      return { failures: [], blockedUntil: event.blockedUntil };
    case 'BlockLifted':
      return { failures: [], blockedUntil: null };
  }
}

export function decide(state: GuardState, command: GuardCommand): GuardEvent[] {
  switch (command.kind) {
    case 'CountFailure': {
      const { at, limits } = command;
      const counted: GuardEvent = { type: 'FailureCounted', at };
      if (state.blockedUntil && state.blockedUntil > at) return [counted];
      const since = at.getTime() - limits.windowSeconds * 1000;
      const inWindow = state.failures.filter((f) => f.getTime() > since).length + 1;
      if (inWindow < limits.threshold) return [counted];
      return [
        counted,
        {
          type: 'AttackSuspected',
          failures: inWindow,
          windowSeconds: limits.windowSeconds,
          blockedUntil: new Date(at.getTime() + limits.coolDownSeconds * 1000),
          at,
        },
      ];
    }
    case 'LiftBlock':
      return state.blockedUntil && state.blockedUntil > command.at ? [{ type: 'BlockLifted', at: command.at }] : [];
    default: {
      const never: never = command;
      throw new Error(`unknown command ${JSON.stringify(never)}`);
    }
  }
}

export const guardDecider = { initialState: initialGuardState, evolve, decide };
