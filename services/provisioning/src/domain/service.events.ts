import { provisioningV1 } from '@opsledger/contracts';

const { ServiceState: State } = provisioningV1;
type Action = provisioningV1.ProvisioningAction;

/** Events of a hosting account, as their protobuf messages (the union lives with the contract). */
export type ServiceEvent = provisioningV1.ServiceEvent;

/** The account as registered: what every panel call is about. */
export interface ServiceAccount {
  domain: string;
  clientName: string;
  username: string;
  package: string;
  panelServerId: string;
}

export type ServiceState =
  | { status: 'absent' }
  | {
      status: 'present';
      serviceId: string;
      account: ServiceAccount;
      state: provisioningV1.ServiceState;
      /** The action running, and why (as the panel is told; empty for a dispatch from before reasons). */
      running: { dispatchId: string; action: Action; reason: string } | undefined;
      /** Every failed job's action and diagnosis: whether a later job must first look before it acts. */
      failures: readonly { action: Action; diagnosis: string }[];
    };

export const initialServiceState = (): ServiceState => ({ status: 'absent' });

/** Folds one event into the account's state. Pure. */
export function evolve(state: ServiceState, event: ServiceEvent): ServiceState {
  if (event.$typeName === 'platform.provisioning.v1.ServiceRegistered') {
    const { serviceId, domain, clientName, username, package: pkg, panelServerId } = event;
    return {
      status: 'present',
      serviceId,
      account: { domain, clientName, username, package: pkg, panelServerId },
      state: State.PENDING,
      running: undefined,
      failures: [],
    };
  }
  if (state.status === 'absent') return state;
  switch (event.$typeName) {
    case 'platform.provisioning.v1.ActionDispatched':
      return { ...state, running: { dispatchId: event.dispatchId, action: event.action, reason: event.reason } };
    case 'platform.provisioning.v1.ActionSucceeded':
      return { ...state, state: event.state, running: undefined };
    case 'platform.provisioning.v1.ActionFailed':
      return { ...state, running: undefined, failures: [...state.failures, { action: event.action, diagnosis: event.diagnosis }] };
    default: {
      const never: never = event;
      return never;
    }
  }
}
