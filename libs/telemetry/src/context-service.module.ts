import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection, Subscription } from '@nats-io/transport-node';
import { type DynamicModule, Inject, Injectable, Module, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { type Context, eventRegistry } from '@opsledger/contracts';
import { contextSchema, createDb } from '@opsledger/db';
import { ensureEventStream, EventStore, type Projection, ProjectionRunner } from '@opsledger/eventstore';
import { type CommandHandler, MessagingModule, NATS_CONNECTION, serveCommands } from '@opsledger/messaging';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, type Worker } from '@temporalio/worker';
import type { Kysely } from 'kysely';
import { PinoLogger } from 'nestjs-pino';
import type { BaseConfig } from './config';
import { HealthModule } from './health/health.module';
import { natsReady, postgresReady, projectionsReady } from './health/readiness-checks';
import { loggingModule } from './logging.module';

/** What one context's service is made of, once its event store and Temporal client exist. */
export interface ContextServiceParts {
  handlers: CommandHandler[];
  /** Starts the context's workflows from its stream (no dual write with the commands). */
  dispatcher: (schema: string) => Projection;
  createWorker: (connection: NativeConnection) => Promise<Worker>;
}

export interface ContextServiceSpec {
  context: Context;
  config: BaseConfig & { TEMPORAL_NAMESPACE: string };
  /** Run the Temporal worker in this process; false when workers run as their own deployment. */
  runWorker: boolean;
  parts: (infra: { store: EventStore; temporal: Client }) => ContextServiceParts;
}

const SPEC = Symbol('CONTEXT_SERVICE_SPEC');
const DATABASE = Symbol('CONTEXT_SERVICE_DATABASE');
const TEMPORAL = Symbol('TEMPORAL_CLIENT');

/**
 * A context's write side at run time: its commands on NATS, the dispatcher
 * projection (private schema `<context>_service`), and the Temporal worker.
 * Shutdown drains commands, lets the worker hand back what it holds, and
 * commits the dispatcher's batch.
 */
@Injectable()
class ContextServiceRuntime implements OnApplicationBootstrap, OnApplicationShutdown {
  private subscriptions: Subscription[] = [];
  dispatcher: ProjectionRunner | undefined;
  private worker: { instance: Worker; running: Promise<void> } | undefined;

  constructor(
    @Inject(NATS_CONNECTION) private readonly nc: NatsConnection,
    @Inject(EventStore) private readonly store: EventStore,
    @Inject(DATABASE) private readonly db: Kysely<any>,
    @Inject(TEMPORAL) private readonly temporal: Client,
    @Inject(SPEC) private readonly spec: ContextServiceSpec,
    @Inject(PinoLogger) private readonly log: PinoLogger,
  ) {}

  async onApplicationBootstrap() {
    const { context, config } = this.spec;
    const parts = this.spec.parts({ store: this.store, temporal: this.temporal });
    this.subscriptions = serveCommands(this.nc, parts.handlers, {
      prefix: config.OPSLEDGER_PREFIX,
      queue: context,
      onError: (error, subject) => this.log.error({ err: error, subject }, 'command failed'),
    });
    this.dispatcher = new ProjectionRunner(
      {
        db: this.db,
        js: jetstream(this.nc),
        jsm: await jetstreamManager(this.nc),
        registry: eventRegistry,
        prefix: config.OPSLEDGER_PREFIX,
        log: (level, message, fields) => this.log[level](fields ?? {}, message),
      },
      parts.dispatcher(contextSchema(`${context}_service`, config.OPSLEDGER_PREFIX)),
    );
    await this.dispatcher.start();
    if (this.spec.runWorker) {
      const instance = await parts.createWorker(await NativeConnection.connect({ address: config.TEMPORAL_ADDRESS }));
      this.worker = { instance, running: instance.run() };
      this.worker.running.catch((error: unknown) => this.log.error({ err: error }, `${context} worker stopped`));
    }
  }

  async onApplicationShutdown() {
    await Promise.all(this.subscriptions.map((s) => s.drain()));
    if (this.worker) {
      // Temporal's runtime starts draining the worker on SIGTERM by itself.
      if (this.worker.instance.getState() === 'RUNNING') this.worker.instance.shutdown();
      await this.worker.running.catch(() => undefined);
    }
    await this.dispatcher?.stop();
    await this.db.destroy();
  }
}

@Module({})
class ContextServiceProviders {}

/** The Nest module of a context's service (tasks, provisioning, …): logging, NATS, health, and the runtime above. */
@Module({})
export class ContextServiceModule {
  static forRoot(spec: ContextServiceSpec): DynamicModule {
    const { context, config } = spec;
    return {
      module: ContextServiceModule,
      imports: [
        loggingModule(context),
        MessagingModule.forRoot({ url: config.NATS_URL, name: context, prefix: config.OPSLEDGER_PREFIX }),
        ContextServiceModule.providersModule(spec),
        HealthModule.forRoot({
          inject: [NATS_CONNECTION, DATABASE, ContextServiceRuntime],
          useFactory: (nc: NatsConnection, db: Kysely<any>, runtime: ContextServiceRuntime) => [
            natsReady(nc),
            postgresReady(db),
            projectionsReady(() => (runtime.dispatcher ? [runtime.dispatcher] : [])),
          ],
        }),
      ],
    };
  }

  private static providersModule(spec: ContextServiceSpec): DynamicModule {
    const { context, config } = spec;
    return {
      module: ContextServiceProviders,
      global: true,
      providers: [
        { provide: SPEC, useValue: spec },
        {
          provide: DATABASE,
          useFactory: () => createDb({ connectionString: config.DATABASE_URL, applicationName: `opsledger-${context}` }),
        },
        {
          provide: TEMPORAL,
          useFactory: async () =>
            new Client({
              connection: await Connection.connect({ address: config.TEMPORAL_ADDRESS }),
              namespace: config.TEMPORAL_NAMESPACE,
            }),
        },
        {
          provide: EventStore,
          inject: [NATS_CONNECTION],
          useFactory: async (nc: NatsConnection) => {
            const jsm = await jetstreamManager(nc);
            await ensureEventStream(jsm, context, { prefix: config.OPSLEDGER_PREFIX, replicas: config.STREAM_REPLICAS });
            return new EventStore(jetstream(nc), jsm, eventRegistry, config.OPSLEDGER_PREFIX);
          },
        },
        ContextServiceRuntime,
      ],
      exports: [SPEC, DATABASE, TEMPORAL, EventStore, ContextServiceRuntime],
    };
  }
}
