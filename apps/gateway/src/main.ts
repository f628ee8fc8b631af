import { runService } from '@opsledger/service-runtime';
import { loadConfigOrExit } from '@opsledger/telemetry';
import { configureGatewayHttp } from './api/http-setup';
import { gatewayConfigSchema } from './gateway.config';

const config = loadConfigOrExit(gatewayConfigSchema);
await runService({
  name: 'gateway',
  port: config.GATEWAY_PORT,
  host: config.HTTP_HOST,
  module: async () => (await import('./gateway.module')).GatewayModule.forRoot(config),
  // The gateway reads JSON bodies itself (configureGatewayHttp says why).
  nestOptions: { bodyParser: false },
  configure: configureGatewayHttp,
});
