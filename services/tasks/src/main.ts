import { runService } from '@opsledger/service-runtime';
import { loadConfigOrExit } from '@opsledger/telemetry';
import { tasksConfigSchema } from './tasks.config';

const config = loadConfigOrExit(tasksConfigSchema);
await runService({
  name: 'tasks',
  port: config.TASKS_PORT,
  host: config.HTTP_HOST,
  module: async () => (await import('./tasks.module')).TasksModule.forRoot(config),
});
