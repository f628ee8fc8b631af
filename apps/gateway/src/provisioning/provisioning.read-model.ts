import { readModelOf } from '../projections/read-model';
import type { ProvisioningReadModel as LogTables } from './provisioning-log.projection';
import type { ServicesReadModel } from './services.projection';

export type ProvisioningTables = LogTables & ServicesReadModel;

/** The provisioning schema: the Provisioning Log, hosting accounts and panel servers. */
export const ProvisioningReadModel = readModelOf<ProvisioningTables>('provisioning');
