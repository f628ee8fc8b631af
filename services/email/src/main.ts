import { runService } from '@opsledger/service-runtime';
import { loadConfigOrExit } from '@opsledger/telemetry';
import { emailConfigSchema } from './email.config';

const config = loadConfigOrExit(emailConfigSchema);
await runService({
  name: 'email',
  port: config.EMAIL_PORT,
  host: config.HTTP_HOST,
  module: async () => (await import('./email.module')).EmailModule.forRoot(config),
});
