import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection, Subscription } from '@nats-io/transport-node';
import { type DynamicModule, Inject, Injectable, Module, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { eventRegistry } from '@opsledger/contracts';
import { contextSchema, createDb } from '@opsledger/db';
import { ensureEventStream, EventStore, ProjectionRunner } from '@opsledger/eventstore';
import { MessagingModule, NATS_CONNECTION, serveCommands } from '@opsledger/messaging';
import { HealthModule, loggingModule, natsReady, postgresReady, projectionsReady } from '@opsledger/telemetry';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, type Worker } from '@temporalio/worker';
import type { Kysely } from 'kysely';
import { PinoLogger } from 'nestjs-pino';
import { v7 as uuidv7 } from 'uuid';
import { provisioningCommandHandlers } from './commands';
import { SecretBox } from './domain/secret-box';
import { provisioningDispatcherProjection } from './projections/provisioning-dispatcher.projection';
import { type ProvisioningConfig, provisioningQueueOf } from './provisioning.config';
import { createProvisioningWorker } from './workflows/provisioning-worker';

const CONFIG = Symbol('PROVISIONING_CONFIG');
const DATABASE = Symbol('PROVISIONING_DATABASE');
const TEMPORAL = Symbol('TEMPORAL_CLIENT');

/**
 * The provisioning service: its commands on NATS, the dispatcher that starts
 * a workflow for each dispatched action from the stream, and (unless
 * PROVISIONING_RUN_WORKER=false) the Temporal worker that calls the panels.
 */
@Injectable()
class ProvisioningRuntime implements OnApplicationBootstrap, OnApplicationShutdown {
  private subscriptions: Subscription[] = [];
  dispatcher: ProjectionRunner | undefined;
  private worker: { instance: Worker; running: Promise<void> } | undefined;

  constructor(
    @Inject(NATS_CONNECTION) private readonly nc: NatsConnection,
    @Inject(EventStore) private readonly store: EventStore,
    @Inject(DATABASE) private readonly db: Kysely<any>,
    @Inject(TEMPORAL) private readonly temporal: Client,
    @Inject(CONFIG) private readonly config: ProvisioningConfig,
    @Inject(PinoLogger) private readonly log: PinoLogger,
  ) {}

  async onApplicationBootstrap() {
    const config = this.config;
    const secrets = new SecretBox(config.PROVISIONING_SECRET_KEY);
    const deps = { store: this.store, secrets, newId: uuidv7, now: () => new Date() };
    const taskQueue = provisioningQueueOf(config);
    this.subscriptions = serveCommands(this.nc, provisioningCommandHandlers(deps), {
      prefix: config.OPSLEDGER_PREFIX,
      queue: 'provisioning',
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
      provisioningDispatcherProjection(contextSchema('provisioning_service', config.OPSLEDGER_PREFIX), {
        client: this.temporal,
        taskQueue,
        retryInitialIntervalMs: config.PROVISIONING_RETRY_INITIAL_MS,
      }),
    );
    await this.dispatcher.start();
    if (config.PROVISIONING_RUN_WORKER) {
      const instance = await createProvisioningWorker({
        connection: await NativeConnection.connect({ address: config.TEMPORAL_ADDRESS }),
        namespace: config.TEMPORAL_NAMESPACE,
        taskQueue,
        store: this.store,
        secrets,
      });
      this.worker = { instance, running: instance.run() };
      this.worker.running.catch((error: unknown) => this.log.error({ err: error }, 'provisioning worker stopped'));
    }
  }

  async onApplicationShutdown() {
    await Promise.all(this.subscriptions.map((s) => s.drain()));
    if (this.worker) {
      if (this.worker.instance.getState() === 'RUNNING') this.worker.instance.shutdown();
      await this.worker.running.catch(() => undefined);
    }
    await this.dispatcher?.stop();
    await this.db.destroy();
  }
}

@Module({})
export class ProvisioningModule {
  static forRoot(config: ProvisioningConfig): DynamicModule {
    return {
      module: ProvisioningModule,
      imports: [
        loggingModule('provisioning'),
        MessagingModule.forRoot({ url: config.NATS_URL, name: 'provisioning', prefix: config.OPSLEDGER_PREFIX }),
        ProvisioningModule.providersModule(config),
        HealthModule.forRoot({
          inject: [NATS_CONNECTION, DATABASE, ProvisioningRuntime],
          useFactory: (nc: NatsConnection, db: Kysely<any>, runtime: ProvisioningRuntime) => [
            natsReady(nc),
            postgresReady(db),
            projectionsReady(() => (runtime.dispatcher ? [runtime.dispatcher] : [])),
          ],
        }),
      ],
    };
  }

  private static providersModule(config: ProvisioningConfig): DynamicModule {
    return {
      module: ProvisioningProviders,
      global: true,
      providers: [
        { provide: CONFIG, useValue: config },
        {
          provide: DATABASE,
          useFactory: () => createDb({ connectionString: config.DATABASE_URL, applicationName: 'opsledger-provisioning' }),
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
            await ensureEventStream(jsm, 'provisioning', { prefix: config.OPSLEDGER_PREFIX, replicas: config.STREAM_REPLICAS });
            return new EventStore(jetstream(nc), jsm, eventRegistry, config.OPSLEDGER_PREFIX);
          },
        },
        ProvisioningRuntime,
      ],
      exports: [CONFIG, DATABASE, TEMPORAL, EventStore, ProvisioningRuntime],
    };
  }
}

@Module({})
class ProvisioningProviders {}
