import type { provisioningV1 } from '@opsledger/contracts';

type Action = provisioningV1.ProvisioningAction;

/**
 * Commands a hosting account decides on. Time is given, never read from a
 * clock. The workflow's commands (complete, fail) name their dispatch, so a
 * replayed or superseded job changes nothing.
 */
export type ServiceCommand =
  | {
      kind: 'RegisterService';
      serviceId: string;
      domain: string;
      clientName: string;
      username: string;
      package: string;
      panelServerId: string;
      /** Where the client's notices go; empty or absent: none. */
      clientEmail?: string;
      now: Date;
    }
  | { kind: 'DispatchAction'; dispatchId: string; action: Action; reason?: string; now: Date }
  | { kind: 'CompleteAction'; dispatchId: string; attempts: number; now: Date }
  | { kind: 'FailAction'; dispatchId: string; attempts: number; diagnosis: string; now: Date };
