import { runService } from '@opsledger/service-runtime';
import { loadConfigOrExit } from '@opsledger/telemetry';
import { provisioningConfigSchema } from './provisioning.config';

const config = loadConfigOrExit(provisioningConfigSchema);
await runService({
  name: 'provisioning',
  port: config.PROVISIONING_PORT,
  host: config.HTTP_HOST,
  module: async () => (await import('./provisioning.module')).ProvisioningModule.forRoot(config),
});
