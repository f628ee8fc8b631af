import { trace } from '@opentelemetry/api';
import { type DestinationStream, pino, type Logger } from 'pino';

/**
 * Paths redacted in every log line: secrets must never reach a log, however
 * they are nested (`req.headers.authorization`, `body.password`, `server.apiToken`).
 */
export const REDACTED_PATHS = [
  'password',
  'token',
  'apiToken',
  'secret',
  'authorization',
  '*.password',
  '*.token',
  '*.apiToken',
  '*.api_token',
  '*.secret',
  '*.authorization',
  '*.headers.authorization',
  '*.headers.cookie',
  '*.headers["set-cookie"]',
  '*.*.apiToken',
  '*.*.headers.authorization',
  '*.*.headers.cookie',
  '*.*.password',
  '*.*.authorization',
];

/** JSON logs (pino) carrying the active span's trace and span ids. */
export function createLogger(name: string, level = process.env.LOG_LEVEL ?? 'info', destination?: DestinationStream): Logger {
  return pino(
    {
      name,
      level,
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      mixin() {
        const span = trace.getActiveSpan()?.spanContext();
        return span ? { trace_id: span.traceId, span_id: span.spanId } : {};
      },
    },
    destination,
  );
}

export type { Logger };
