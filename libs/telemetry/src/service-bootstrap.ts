import 'reflect-metadata';
import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Logger } from 'nestjs-pino';
import type { z } from 'zod';
import { ConfigError, loadConfig } from './config';
import { startTelemetry } from './otel';

export interface ServiceOptions {
  name: string;
  port: number;
  host?: string;
  /** Builds the root module; imported after telemetry has started. */
  module: () => Promise<unknown>;
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
  const otel = startTelemetry(options.name);
  const module = await options.module();
  const app = await NestFactory.create(module as never, { bufferLogs: true });
  app.useLogger(app.get(Logger));
  options.configure?.(app);
  await app.listen(options.port, options.host ?? '127.0.0.1');
  app.get(Logger).log(`${options.name} ready on :${options.port} (/healthz, /readyz)`);

  let closing = false;
  const shutdown = async (signal: NodeJS.Signals) => {
    if (closing) return;
    closing = true;
    app.get(Logger).log(`${signal}: draining`);
    await app.close();
    await otel.shutdown().catch(() => undefined);
    process.exit(0);
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
  return app;
}

/** Loads the configuration, or prints what is wrong as one readable message and exits (no stack trace). */
export function loadConfigOrExit<S extends z.ZodObject>(schema: S): z.output<S> {
  try {
    return loadConfig(schema);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(error.message);
    process.exit(78); // EX_CONFIG
  }
}
