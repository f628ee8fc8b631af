import { create } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { provisioningV1 } from '@opsledger/contracts';
import { AggregateNotFound, RuleViolation } from '@opsledger/eventstore';
import type { Diagnosis } from './failure-diagnosis';
import type { ServiceCommand } from './service.commands';
import { evolve, initialServiceState, type ServiceEvent, type ServiceState } from './service.events';

export type { ServiceCommand } from './service.commands';

const { ProvisioningAction: Action, ServiceState: State } = provisioningV1;
type Action = provisioningV1.ProvisioningAction;
type StateValue = provisioningV1.ServiceState;

/** A rule refused the command; the message says which, for the operator (409). */
export class ServiceRuleViolation extends RuleViolation {}

/** The service does not exist (404). */
export class ServiceNotFound extends AggregateNotFound {}

const NAMES: Record<number, string> = {
  [Action.CREATE]: 'create',
  [Action.SUSPEND]: 'suspend',
  [Action.UNSUSPEND]: 'unsuspend',
  [Action.TERMINATE]: 'terminate',
};
const STATE_NAMES: Record<number, string> = {
  [State.PENDING]: 'not created yet',
  [State.ACTIVE]: 'active',
  [State.SUSPENDED]: 'suspended',
  [State.TERMINATED]: 'terminated',
};

/** Which states each action may start from, and the state its success leaves. */
const TRANSITIONS: Record<number, { from: StateValue[]; to: StateValue }> = {
  [Action.CREATE]: { from: [State.PENDING], to: State.ACTIVE },
  [Action.SUSPEND]: { from: [State.ACTIVE], to: State.SUSPENDED },
  [Action.UNSUSPEND]: { from: [State.SUSPENDED], to: State.ACTIVE },
  [Action.TERMINATE]: { from: [State.ACTIVE, State.SUSPENDED], to: State.TERMINATED },
};

/**
 * Rules of a hosting account: one action runs at a time (a second dispatch
 * is refused, 409), each action only from the states it makes sense in, and
 * the state changes only when the panel accepted the action. The workflow's
 * completions are idempotent: a repeat changes nothing.
 */
export function decide(state: ServiceState, command: ServiceCommand): ServiceEvent[] {
  const at = timestampFromDate(command.now);
  if (command.kind === 'RegisterService') {
    if (state.status !== 'absent') throw new ServiceRuleViolation(`service ${command.serviceId} already exists`);
    const { kind: _kind, now: _now, ...fields } = command;
    return [create(provisioningV1.ServiceRegisteredSchema, { ...fields, at })];
  }
  if (state.status === 'absent') throw new ServiceNotFound('service not found');
  const { serviceId } = state;
  switch (command.kind) {
    case 'DispatchAction': {
      const name = NAMES[command.action] ?? 'unknown action';
      if (state.running) {
        const running = NAMES[state.running.action];
        throw new ServiceRuleViolation(
          running === name ? `a ${name} is already running for this service` : `another action (${running}) is running for this service`,
        );
      }
      const transition = TRANSITIONS[command.action];
      if (!transition) throw new ServiceRuleViolation(`${name} is not an action`);
      if (!transition.from.includes(state.state))
        throw new ServiceRuleViolation(`cannot ${name} a service that is ${STATE_NAMES[state.state]}`);
      const reason = command.reason?.trim() ?? '';
      return [
        create(provisioningV1.ActionDispatchedSchema, { serviceId, dispatchId: command.dispatchId, action: command.action, reason, at }),
      ];
    }
    case 'CompleteAction': {
      const action = runningAction(state, command.dispatchId);
      if (action === undefined) return [];
      return [
        create(provisioningV1.ActionSucceededSchema, {
          serviceId,
          dispatchId: command.dispatchId,
          action,
          state: TRANSITIONS[action]!.to,
          attempts: command.attempts,
          at,
        }),
      ];
    }
    case 'FailAction': {
      const action = runningAction(state, command.dispatchId);
      if (action === undefined) return [];
      return [
        create(provisioningV1.ActionFailedSchema, {
          serviceId,
          dispatchId: command.dispatchId,
          action,
          attempts: command.attempts,
          diagnosis: command.diagnosis,
          at,
        }),
      ];
    }
    default: {
      const never: never = command;
      throw new Error(`unknown command ${JSON.stringify(never)}`);
    }
  }
}

/**
 * The action this dispatch runs, if it is the one the service is running. A
 * replayed or superseded job gets none: it may neither call the panel nor
 * record an outcome.
 */
export function runningAction(state: ServiceState, dispatchId: string): Action | undefined {
  return state.status === 'present' && state.running?.dispatchId === dispatchId ? state.running.action : undefined;
}

const SOMEONE_ELSES: Diagnosis['code'] = 'account_exists';

/**
 * Whether an earlier job of this action failed in a way that may hide its
 * success: the panel may have done the work and the answer got lost (a
 * dropped connection, a 504 from a proxy while the panel carried on). Not one
 * the panel refused as a duplicate: that account belonged to someone else
 * before we came.
 */
export function mayHaveActedUnheard(state: ServiceState, action: Action): boolean {
  return state.status === 'present' && state.failures.some((f) => f.action === action && f.diagnosis !== SOMEONE_ELSES);
}

/** The account's rules as one value: what handleCommand runs and what the specs state. */
export const serviceDecider = { initialState: initialServiceState, evolve, decide };
