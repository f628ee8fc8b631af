import { LoggerModule } from 'nestjs-pino';
import { createLogger } from './logger';

/** pino for Nest's own logs and for HTTP requests (health probes are not logged). */
export function loggingModule(name: string) {
  return LoggerModule.forRoot({
    pinoHttp: {
      logger: createLogger(name),
      autoLogging: { ignore: (req) => /^\/(healthz|readyz)/.test(req.url ?? '') },
    },
  });
}
