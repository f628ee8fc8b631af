import { loadConfigOrExit, runService } from '@opsledger/telemetry';
import cookieParser from 'cookie-parser';
import { gatewayConfigSchema } from './gateway.config';

const config = loadConfigOrExit(gatewayConfigSchema);
await runService({
  name: 'gateway',
  port: config.GATEWAY_PORT,
  host: config.HTTP_HOST,
  module: async () => (await import('./gateway.module')).GatewayModule.forRoot(config),
  configure: (app) => {
    // `/API/tasks` is not `/api/tasks`: one spelling per route, so nothing is reached by a variant.
    app.getHttpAdapter().getInstance().set('case sensitive routing', true);
    app.use(cookieParser());
  },
});
