import { Module } from '@nestjs/common';
import { IpLogController, IpLogSummaryController, LoginBlocksController } from './ip-log.controller';
import { IpLogProjections } from './ip-log.projections';
import { IpLogReadModel } from './ip-log.read-model';
import { SecuritySettingsController } from './security-settings.controller';
import { SecuritySettingsState } from './security-settings.state';

/**
 * The IP Log, its brute-force view and Settings → Security: the read model
 * fed by LOGINS and SETTINGS, the routes, and what sign-in takes from them
 * (the trusted proxies in force, the blocks it refuses).
 */
@Module({
  controllers: [IpLogController, IpLogSummaryController, LoginBlocksController, SecuritySettingsController],
  providers: [IpLogReadModel, SecuritySettingsState, IpLogProjections],
})
export class IpLogModule {}
