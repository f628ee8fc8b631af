import { runService } from '@opsledger/service-runtime';
import { loadConfigOrExit } from '@opsledger/telemetry';
import { loginsConfigSchema } from './logins.config';

const config = loadConfigOrExit(loginsConfigSchema);
await runService({
  name: 'logins',
  port: config.LOGINS_PORT,
  host: config.HTTP_HOST,
  module: async () => (await import('./logins.module')).LoginsModule.forRoot(config),
});
