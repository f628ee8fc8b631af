import type { provisioningV1 } from '@opsledger/contracts';

/** Events of a panel server: registration is all it has so far. */
export type PanelServerEvent = provisioningV1.PanelServerRegistered;

export type PanelServerState =
  | { status: 'absent' }
  | {
      status: 'registered';
      panelServerId: string;
      name: string;
      apiUrl: string;
      /** Sealed; only the worker opens it, for the call. */
      apiTokenCiphertext: string;
      tlsVerify: boolean;
      timeoutMs: number;
    };

export const initialPanelServerState = (): PanelServerState => ({ status: 'absent' });

/** Folds one event into the panel server's state. Pure. */
export function evolve(_state: PanelServerState, event: PanelServerEvent): PanelServerState {
  switch (event.$typeName) {
    case 'platform.provisioning.v1.PanelServerRegistered': {
      const { panelServerId, name, apiUrl, apiTokenCiphertext, tlsVerify, timeoutMs } = event;
      return { status: 'registered', panelServerId, name, apiUrl, apiTokenCiphertext, tlsVerify, timeoutMs };
    }
    default: {
      // One event so far: TypeScript narrows its tag, not the lone object, to never.
      const never: never = event.$typeName;
      return never;
    }
  }
}
