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
import { createTaskHandler } from './commands/create-task.handler';
import { cancelTaskHandler, retryTaskHandler } from './commands/lifecycle.handlers';
import { describeWorkersHandler } from './commands/describe-workers.handler';
import { workflowDispatcherProjection } from './projections/workflow-dispatcher.projection';
import { taskQueueOf, type TasksConfig } from './tasks.config';
import { createTaskWorker } from './workflows/task-worker';

const CONFIG = Symbol('TASKS_CONFIG');
const DATABASE = Symbol('TASKS_DATABASE');
const TEMPORAL = Symbol('TEMPORAL_CLIENT');

/**
 * The tasks service: its commands on NATS, the dispatcher that starts each
 * attempt's workflow from the stream, and (unless TASKS_RUN_WORKER=false)
 * the Temporal worker that runs them. Shutdown drains commands, lets the
 * worker hand back what it holds, and commits the dispatcher's batch.
 */
@Injectable()
class TasksRuntime implements OnApplicationBootstrap, OnApplicationShutdown {
  private subscriptions: Subscription[] = [];
  dispatcher: ProjectionRunner | undefined;
  private worker: { instance: Worker; running: Promise<void> } | undefined;

  constructor(
    @Inject(NATS_CONNECTION) private readonly nc: NatsConnection,
    @Inject(EventStore) private readonly store: EventStore,
    @Inject(DATABASE) private readonly db: Kysely<any>,
    @Inject(TEMPORAL) private readonly temporal: Client,
    @Inject(CONFIG) private readonly config: TasksConfig,
    @Inject(PinoLogger) private readonly log: PinoLogger,
  ) {}

  async onApplicationBootstrap() {
    const config = this.config;
    const deps = { store: this.store, newId: uuidv7, now: () => new Date() };
    const taskQueue = taskQueueOf(config);
    this.subscriptions = serveCommands(
      this.nc,
      [
        createTaskHandler(deps),
        cancelTaskHandler(deps),
        retryTaskHandler(deps),
        describeWorkersHandler({ client: this.temporal, namespace: config.TEMPORAL_NAMESPACE, taskQueue }),
      ],
      {
        prefix: config.OPSLEDGER_PREFIX,
        queue: 'tasks',
        onError: (error, subject) => this.log.error({ err: error, subject }, 'command failed'),
      },
    );
    this.dispatcher = new ProjectionRunner(
      {
        db: this.db,
        js: jetstream(this.nc),
        jsm: await jetstreamManager(this.nc),
        registry: eventRegistry,
        prefix: config.OPSLEDGER_PREFIX,
        log: (level, message, fields) => this.log[level](fields ?? {}, message),
      },
      workflowDispatcherProjection(contextSchema('tasks_service', config.OPSLEDGER_PREFIX), {
        client: this.temporal,
        taskQueue,
        defaultStepTimeoutMs: config.TASK_STEP_TIMEOUT_MS,
      }),
    );
    await this.dispatcher.start();
    if (config.TASKS_RUN_WORKER) {
      const instance = await createTaskWorker({
        connection: await NativeConnection.connect({ address: config.TEMPORAL_ADDRESS }),
        namespace: config.TEMPORAL_NAMESPACE,
        taskQueue,
        store: this.store,
        hypervisorUrl: config.HYPERVISOR_URL,
      });
      this.worker = { instance, running: instance.run() };
      this.worker.running.catch((error: unknown) => this.log.error({ err: error }, 'task worker stopped'));
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
export class TasksModule {
  static forRoot(config: TasksConfig): DynamicModule {
    return {
      module: TasksModule,
      imports: [
        loggingModule('tasks'),
        MessagingModule.forRoot({ url: config.NATS_URL, name: 'tasks', prefix: config.OPSLEDGER_PREFIX }),
        TasksModule.providersModule(config),
        HealthModule.forRoot({
          inject: [NATS_CONNECTION, DATABASE, TasksRuntime],
          useFactory: (nc: NatsConnection, db: Kysely<any>, runtime: TasksRuntime) => [
            natsReady(nc),
            postgresReady(db),
            projectionsReady(() => (runtime.dispatcher ? [runtime.dispatcher] : [])),
          ],
        }),
      ],
    };
  }

  private static providersModule(config: TasksConfig): DynamicModule {
    return {
      module: TasksProviders,
      global: true,
      providers: [
        { provide: CONFIG, useValue: config },
        { provide: DATABASE, useFactory: () => createDb({ connectionString: config.DATABASE_URL, applicationName: 'opsledger-tasks' }) },
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
            await ensureEventStream(jsm, 'tasks', { prefix: config.OPSLEDGER_PREFIX, replicas: config.STREAM_REPLICAS });
            return new EventStore(jetstream(nc), jsm, eventRegistry, config.OPSLEDGER_PREFIX);
          },
        },
        TasksRuntime,
      ],
      exports: [CONFIG, DATABASE, TEMPORAL, EventStore, TasksRuntime],
    };
  }
}

@Module({})
class TasksProviders {}
