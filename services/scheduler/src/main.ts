import { runService } from '@opsledger/service-runtime';
import { loadConfigOrExit } from '@opsledger/telemetry';
import { schedulerConfigSchema } from './scheduler.config';

const config = loadConfigOrExit(schedulerConfigSchema);
await runService({
  name: 'scheduler',
  port: config.SCHEDULER_PORT,
  host: config.HTTP_HOST,
  module: async () => (await import('./scheduler.module')).SchedulerModule.forRoot(config),
});
