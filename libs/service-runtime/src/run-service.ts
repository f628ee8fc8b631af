import 'reflect-metadata';
import type { INestApplication, NestApplicationOptions } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { Server } from 'node:http';
import { Logger } from 'nestjs-pino';
import { startTelemetry } from '@opsledger/telemetry';

/** How long requests in flight may finish after SIGTERM before their connections are closed (Kubernetes waits 30 s). */
const SHUTDOWN_CONNECTION_GRACE_MS = 10_000;

export interface ServiceOptions {
  name: string;
  port: number;
  host?: string;
  /** Builds the root module; imported after telemetry has started. */
  module: () => Promise<unknown>;
  /** Nest's application options beside the runtime's own (e.g. `bodyParser: false`). */
  nestOptions?: NestApplicationOptions;
  /** Express middleware and settings the service needs before it listens. */
  configure?: (app: INestApplication) => void;
}

/**
 * Starts a service: telemetry first, then the Nest application with pino
 * logs and the health endpoints on `port`. SIGTERM and SIGINT close the
 * application (consumers drain, the batch in flight commits, NATS drains),
 * then flush telemetry and exit.
 */
export async function runService(options: ServiceOptions): Promise<INestApplication> {
  const otel = await startTelemetry(options.name);
  const module = await options.module();
  const app = await NestFactory.create(module as never, { ...options.nestOptions, bufferLogs: true });
  app.useLogger(app.get(Logger));
  options.configure?.(app);
  await app.listen(options.port, options.host ?? '127.0.0.1');
  app.get(Logger).log(`${options.name} ready on :${options.port} (/healthz, /readyz)`);

  let closing = false;
  const shutdown = async (signal: NodeJS.Signals) => {
    if (closing) return;
    closing = true;
    app.get(Logger).log(`${signal}: draining`);
    // Streams end in their own shutdown hook; a connection still open after the grace (a slow client, a
    // long request) must not hold the drain until Kubernetes kills the pod: it is closed.
    const server = app.getHttpServer() as Server;
    setTimeout(() => server.closeAllConnections(), SHUTDOWN_CONNECTION_GRACE_MS).unref();
    await app.close();
    await otel.shutdown().catch(() => undefined);
    process.exit(0);
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
  return app;
}
