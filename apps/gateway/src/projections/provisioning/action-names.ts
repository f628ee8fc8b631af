import { provisioningV1 } from '@opsledger/contracts';

export type ActionName = 'create' | 'suspend' | 'unsuspend' | 'terminate';

/** The API's names for the contract's actions. */
export const ACTION_NAMES: Partial<Record<provisioningV1.ProvisioningAction, ActionName>> = {
  [provisioningV1.ProvisioningAction.CREATE]: 'create',
  [provisioningV1.ProvisioningAction.SUSPEND]: 'suspend',
  [provisioningV1.ProvisioningAction.UNSUSPEND]: 'unsuspend',
  [provisioningV1.ProvisioningAction.TERMINATE]: 'terminate',
};

export const ACTION_BY_NAME: Record<ActionName, provisioningV1.ProvisioningAction> = {
  create: provisioningV1.ProvisioningAction.CREATE,
  suspend: provisioningV1.ProvisioningAction.SUSPEND,
  unsuspend: provisioningV1.ProvisioningAction.UNSUSPEND,
  terminate: provisioningV1.ProvisioningAction.TERMINATE,
};
