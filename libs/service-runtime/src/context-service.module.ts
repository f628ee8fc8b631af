import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection, Subscription } from '@nats-io/transport-node';
import { type DynamicModule, Inject, Injectable, Module, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { type Context, eventRegistry } from '@opsledger/contracts';
import { contextSchema, createDb } from '@opsledger/db';
import { ensureEventStream, EventStore, type Projection, ProjectionRunner } from '@opsledger/eventstore';
import { type CommandHandler, MessagingModule, NATS_CONNECTION, serveCommands } from '@opsledger/messaging';
import type { Client } from '@temporalio/client';
import { createRequire } from 'node:module';
import type { NativeConnection, Worker } from '@temporalio/worker';
import type { Kysely } from 'kysely';
import { PinoLogger } from 'nestjs-pino';
import { setTimeout as sleep } from 'node:timers/promises';
import { type BaseConfig, loggingModule } from '@opsledger/telemetry';
import { withDomainErrorReplies } from './domain-error-replies';
import { HealthModule } from './health/health.module';
import { natsReady, postgresReady, projectionsReady, reconciledReady } from './health/readiness-checks';

/** What one context's service is made of, once its event store (and Temporal client, if it has workflows) exist. */
export interface ContextServiceParts {
  handlers: CommandHandler[];
  /** Starts the context's workflows from its stream (no dual write with the commands); a context without workflows has none. */
  dispatcher?: (schema: string) => Projection;
  /**
   * Private lookups beside the dispatcher, in the same schema: each fed by one
   * stream, its own context's or another's (a projection reads one stream, so a
   * lookup fed by two streams is two projections writing tables of their own).
   */
  projections?: (schema: string) => Projection[];
  /** The Temporal worker for the context's task queue, when it runs long work. */
  createWorker?: (connection: NativeConnection) => Promise<Worker>;
  /**
   * Brings what lives outside the streams (Temporal schedules, say) in line with
   * the code and the stream, once at start, after the projections have started.
   * Retried in the background until it succeeds (Temporal may be away at boot);
   * /readyz reports `reconciled` down until then. It must be idempotent.
   */
  reconcile?: (signal: AbortSignal) => Promise<void>;
}

/** What a context's parts are built from. */
export interface ContextServiceInfra {
  store: EventStore;
  /** Connects on first use: a context without workflows never opens a connection. */
  temporal: Client;
  nc: NatsConnection;
  /** The service's pool; its private tables live in `schema`. */
  db: Kysely<any>;
  /** The private schema of the dispatcher and projections: `<prefix>_<context>_service`. */
  schema: string;
}

export interface ContextServiceSpec {
  context: Context;
  config: BaseConfig & { TEMPORAL_NAMESPACE?: string };
  /** Run the Temporal worker in this process; false when workers run as their own deployment. */
  runWorker?: boolean;
  parts: (infra: ContextServiceInfra) => ContextServiceParts;
}

const SPEC = Symbol('CONTEXT_SERVICE_SPEC');
const DATABASE = Symbol('CONTEXT_SERVICE_DATABASE');
const TEMPORAL = Symbol('TEMPORAL_CLIENT');

/**
 * A context's write side at run time: its commands on NATS and, when the
 * context has long work, the dispatcher projection and private lookups
 * (private schema `<context>_service`), the start-up reconcile and the
 * Temporal worker.
 * Shutdown stops the reconcile, drains commands, lets the worker hand back
 * what it holds, and commits each projection's batch.
 */
@Injectable()
class ContextServiceRuntime implements OnApplicationBootstrap, OnApplicationShutdown {
  private subscriptions: Subscription[] = [];
  dispatcher: ProjectionRunner | undefined;
  /** The dispatcher and the private lookups, for readiness. */
  runners: ProjectionRunner[] = [];
  /** undefined: no reconcile; otherwise whether it has succeeded, and its last error. */
  reconciled: { done: boolean; lastError?: string } | undefined;
  private reconciling: { abort: AbortController; running: Promise<void> } | undefined;
  private worker: { instance: Worker; running: Promise<void> } | undefined;

  constructor(
    @Inject(NATS_CONNECTION) private readonly nc: NatsConnection,
    @Inject(EventStore) private readonly store: EventStore,
    @Inject(DATABASE) private readonly db: Kysely<any>,
    @Inject(TEMPORAL) private readonly temporal: { client: Client },
    @Inject(SPEC) private readonly spec: ContextServiceSpec,
    @Inject(PinoLogger) private readonly log: PinoLogger,
  ) {}

  async onApplicationBootstrap() {
    const { context, config } = this.spec;
    const schema = contextSchema(`${context}_service`, config.OPSLEDGER_PREFIX);
    const parts = this.spec.parts({ store: this.store, temporal: this.temporal.client, nc: this.nc, db: this.db, schema });
    this.subscriptions = serveCommands(this.nc, parts.handlers.map(withDomainErrorReplies), {
      prefix: config.OPSLEDGER_PREFIX,
      queue: context,
      onError: (error, subject) => this.log.error({ err: error, subject }, 'command failed'),
      // Set in a deployment: a command whose actor is not signed with the shared key is refused.
      signingKey: config.COMMAND_SIGNING_KEY,
    });
    const jsm = await jetstreamManager(this.nc);
    const runnerDeps = {
      db: this.db,
      js: jetstream(this.nc),
      jsm,
      registry: eventRegistry,
      prefix: config.OPSLEDGER_PREFIX,
      log: (level: 'info' | 'warn' | 'error', message: string, fields?: Record<string, unknown>) => this.log[level](fields ?? {}, message),
    };
    if (parts.dispatcher) {
      this.dispatcher = new ProjectionRunner(runnerDeps, parts.dispatcher(schema));
      this.runners.push(this.dispatcher);
    }
    for (const projection of parts.projections?.(schema) ?? []) {
      // A lookup fed by another context's stream may start before that context's service ever did.
      if (projection.context !== context)
        await ensureEventStream(jsm, projection.context, { prefix: config.OPSLEDGER_PREFIX, replicas: config.STREAM_REPLICAS });
      this.runners.push(new ProjectionRunner(runnerDeps, projection));
    }
    for (const runner of this.runners) await runner.start();
    if (parts.reconcile) this.startReconcile(parts.reconcile);
    if (parts.createWorker && this.spec.runWorker !== false) {
      // Loaded here, not with the module: a service that runs no worker never loads the worker's native
      // runtime and bundler (megabytes of resident memory in every process otherwise).
      const { NativeConnection } = await import('@temporalio/worker');
      const instance = await parts.createWorker(await NativeConnection.connect({ address: config.TEMPORAL_ADDRESS }));
      this.worker = { instance, running: instance.run() };
      this.worker.running.catch((error: unknown) => this.log.error({ err: error }, `${context} worker stopped`));
    }
  }

  /** Runs the reconcile until it succeeds once, backing off from 1 s to 30 s between failures. */
  private startReconcile(reconcile: NonNullable<ContextServiceParts['reconcile']>) {
    const abort = new AbortController();
    this.reconciled = { done: false };
    const running = (async () => {
      for (let delay = 1_000; !abort.signal.aborted; delay = Math.min(30_000, delay * 2)) {
        try {
          await reconcile(abort.signal);
          this.reconciled = { done: true };
          return;
        } catch (error) {
          if (abort.signal.aborted) return;
          this.reconciled = { done: false, lastError: (error as Error).message };
          this.log.warn({ err: error, retryInMs: delay }, `${this.spec.context} reconcile failed; retrying`);
          await sleep(delay, undefined, { signal: abort.signal }).catch(() => undefined);
        }
      }
    })();
    this.reconciling = { abort, running };
  }

  async onApplicationShutdown() {
    this.reconciling?.abort.abort();
    await this.reconciling?.running;
    await Promise.all(this.subscriptions.map((s) => s.drain()));
    if (this.worker) {
      // Temporal's runtime starts draining the worker on SIGTERM by itself.
      if (this.worker.instance.getState() === 'RUNNING') this.worker.instance.shutdown();
      await this.worker.running.catch(() => undefined);
    }
    await Promise.all(this.runners.map((r) => r.stop()));
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
            projectionsReady(() => runtime.runners),
            reconciledReady(() => runtime.reconciled),
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
          // Lazy: the service starts while Temporal is away (its dispatcher waits), and one without workflows never loads it.
          // Held in a plain object: Nest awaits a factory's value and looks for lifecycle hooks on it, and either would
          // read a property of the client and so make it.
          useFactory: () => ({ client: lazyTemporalClient(config.TEMPORAL_ADDRESS, config.TEMPORAL_NAMESPACE ?? 'default') }),
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

/**
 * The Temporal client, made at its first use: a context without workflows (audit, logins) never loads
 * @temporalio/client (some 20 MB of resident memory), and one with them connects only when it first calls Temporal.
 */
function lazyTemporalClient(address: string, namespace: string): Client {
  let client: Client | undefined;
  const get = () => {
    if (!client) {
      // Synchronous, because the first use is a property read; the package is CommonJS, so require loads it.
      const { Client: TemporalClient, Connection } = createRequire(import.meta.url)(
        '@temporalio/client',
      ) as typeof import('@temporalio/client');
      client = new TemporalClient({ connection: Connection.lazy({ address }), namespace });
    }
    return client;
  };
  return new Proxy({} as Client, {
    get(_, key) {
      const target = get();
      const value: unknown = Reflect.get(target, key, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}
