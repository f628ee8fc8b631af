import { create } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { provisioningV1 } from '@opsledger/contracts';

const { ProvisioningAction: Action, ServiceState: State } = provisioningV1;
type Action = provisioningV1.ProvisioningAction;
type StateValue = provisioningV1.ServiceState;

export type ServiceState =
  | { status: 'absent' }
  | { status: 'present'; serviceId: string; state: StateValue; running: { dispatchId: string; action: Action } | undefined };

export const initialServiceState = (): ServiceState => ({ status: 'absent' });

export function evolve(state: ServiceState, event: provisioningV1.ServiceEvent): ServiceState {
  if (event.$typeName === 'platform.provisioning.v1.ServiceRegistered') {
    return { status: 'present', serviceId: event.serviceId, state: State.PENDING, running: undefined };
  }
  if (state.status === 'absent') return state;
  switch (event.$typeName) {
    case 'platform.provisioning.v1.ActionDispatched':
      return { ...state, running: { dispatchId: event.dispatchId, action: event.action } };
    case 'platform.provisioning.v1.ActionSucceeded':
      return { ...state, state: event.state, running: undefined };
    case 'platform.provisioning.v1.ActionFailed':
      return { ...state, running: undefined };
    default: {
      const never: never = event;
      return never;
    }
  }
}

export type ServiceCommand =
  | {
      kind: 'RegisterService';
      serviceId: string;
      domain: string;
      clientName: string;
      username: string;
      package: string;
      panelServerId: string;
      now: Date;
    }
  | { kind: 'DispatchAction'; dispatchId: string; action: Action; now: Date }
  | { kind: 'CompleteAction'; dispatchId: string; attempts: number; now: Date }
  | { kind: 'FailAction'; dispatchId: string; attempts: number; diagnosis: string; now: Date };

export class ServiceRuleViolation extends Error {
  override readonly name = 'ServiceRuleViolation';
}

export class ServiceNotFound extends Error {
  override readonly name = 'ServiceNotFound';
}

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
export function decide(state: ServiceState, command: ServiceCommand): provisioningV1.ServiceEvent[] {
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
      return [create(provisioningV1.ActionDispatchedSchema, { serviceId, dispatchId: command.dispatchId, action: command.action, at })];
    }
    case 'CompleteAction': {
      if (state.running?.dispatchId !== command.dispatchId) return [];
      const action = state.running.action;
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
      if (state.running?.dispatchId !== command.dispatchId) return [];
      return [
        create(provisioningV1.ActionFailedSchema, {
          serviceId,
          dispatchId: command.dispatchId,
          action: state.running.action,
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
