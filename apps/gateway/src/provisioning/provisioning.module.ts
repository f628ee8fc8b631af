import { Module } from '@nestjs/common';
import { PanelServersController } from './panel-servers.controller';
import { ProvisioningLogController } from './provisioning-log.controller';
import { ProvisioningProjections } from './provisioning.projections';
import { ProvisioningReadModel } from './provisioning.read-model';
import { ServicesController } from './services.controller';

/** The Provisioning Log page, the hosting accounts with their panel actions, and the panel servers. */
@Module({
  controllers: [ProvisioningLogController, ServicesController, PanelServersController],
  providers: [ProvisioningReadModel, ProvisioningProjections],
})
export class ProvisioningModule {}
