import type { Registry } from '@bufbuild/protobuf';
import { DeliverPolicy, type JetStreamClient, type JetStreamManager, type JsMsg } from '@nats-io/jetstream';
import { streamName } from '@opsledger/contracts';
import { metrics, type ObservableCallback } from '@opentelemetry/api';
import { migrateToLatest } from '@opsledger/db';
import { type Kysely, sql, type Transaction } from 'kysely';
import { setTimeout as sleep } from 'node:timers/promises';
import type { StoredEvent } from '../event';
import { decodeEvent } from '../event-codec';
import type { Projection } from './projection';
import {
  advanceCheckpoint,
  ensureCheckpointRow,
  readCheckpoint,
  type RunnerTables,
  runnerMigrations,
  saveCheckpoint,
} from './runner-tables';
import { isTransientDbError, isTransientError } from './transient-errors';

export interface ProjectionRunnerDeps {
  db: Kysely<any>;
  js: JetStreamClient;
  jsm: JetStreamManager;
  registry: Registry;
  /** Stream/subject prefix; empty in production, unique per test. */
  prefix?: string;
  log?: (level: 'info' | 'warn' | 'error', message: string, fields?: Record<string, unknown>) => void;
}

export interface ProjectionRunnerOptions {
  /** Most events applied in one transaction. */
  batchSize?: number;
  /** Wait before resuming after an infrastructure failure (Postgres or NATS away). */
  resumeDelayMs?: number;
  /** How often a standby runner tries to become the one that runs the projection. */
  standbyPollMs?: number;
  /** Called after each batch commits, with the events it applied (live updates hang here). */
  onCommitted?: (events: readonly StoredEvent[]) => void | Promise<void>;
}

export interface ProjectionStatus {
  projection: string;
  running: boolean;
  /** `active` applies events; `standby` waits while another process (a second replica) runs the projection. */
  role: 'active' | 'standby';
  checkpoint: number;
  /** Stream's last sequence minus the checkpoint. */
  lag: number;
  deadLetters: number;
  lastError: string | undefined;
}

interface Item {
  msg: RawMsg;
  event?: StoredEvent;
  decodeError?: Error;
}

type RawMsg = Pick<JsMsg, 'subject' | 'seq' | 'data' | 'headers'>;

const lagGauge = metrics.getMeter('@opsledger/eventstore').createObservableGauge('opsledger.projection.lag', {
  description: 'Events in the stream not yet applied: stream last sequence minus the checkpoint',
  unit: '{event}',
});

/**
 * Feeds one projection from its context's stream. Each batch of events and
 * the checkpoint (last stream sequence applied) commit in one Postgres
 * transaction, and consumption always resumes at checkpoint + 1 through an
 * ephemeral ordered consumer: a crash anywhere replays exactly what did not
 * commit, so every event takes effect once.
 *
 * Several processes may run the same projection (gateway replicas): a
 * Postgres advisory lock makes one of them active and the others standby,
 * and the checkpoint only moves by compare-and-set, so even two active
 * runners (a lock lost with its connection) cannot apply a batch twice.
 */
export class ProjectionRunner {
  private readonly db: Kysely<RunnerTables>;
  private readonly stream: string;
  private readonly batchSize: number;
  private readonly resumeDelayMs: number;
  private readonly standbyPollMs: number;
  private readonly onCommitted: ProjectionRunnerOptions['onCommitted'];
  private loop: Promise<void> | undefined;
  private stopping = false;
  private abortConsume: (() => void) | undefined;
  /** The checkpoint as this runner last committed it: the `from` of the next compare-and-set. */
  private committed = 0;
  private role: 'active' | 'standby' = 'standby';
  private lastError: string | undefined;
  private readonly observeLag: ObservableCallback = async (result) => {
    const { lag } = await this.status();
    result.observe(lag, { projection: this.projection.name, stream: this.stream });
  };

  constructor(
    private readonly deps: ProjectionRunnerDeps,
    readonly projection: Projection,
    options: ProjectionRunnerOptions = {},
  ) {
    this.db = deps.db.withSchema(projection.schema) as Kysely<RunnerTables>;
    this.stream = streamName(projection.context, deps.prefix);
    this.batchSize = options.batchSize ?? 1000;
    this.resumeDelayMs = options.resumeDelayMs ?? 500;
    this.standbyPollMs = options.standbyPollMs ?? 2_000;
    this.onCommitted = options.onCommitted;
  }

  /** Creates the tables, then consumes in the background until `stop()`. */
  async start(): Promise<void> {
    if (this.loop) return;
    this.stopping = false;
    await this.migrate();
    if (this.stopping) return;
    this.loop = this.run();
    lagGauge.addCallback(this.observeLag);
  }

  /** Stops consuming after the batch in flight has committed. */
  async stop(): Promise<void> {
    this.stopping = true;
    lagGauge.removeCallback(this.observeLag);
    this.abortConsume?.();
    await this.loop;
    this.loop = undefined;
  }

  /** Empties the read model and replays the whole stream into it. */
  async rebuild(): Promise<void> {
    const wasRunning = this.loop !== undefined;
    await this.stop();
    await this.migrate();
    await this.db.transaction().execute(async (trx) => {
      for (const table of this.projection.tables) {
        await sql`truncate table ${sql.table(`${this.projection.schema}.${table}`)}`.execute(trx);
      }
      await trx.deleteFrom('projection_dead_letter').where('projection', '=', this.projection.name).execute();
      await saveCheckpoint(trx, this.projection.name, 0);
    });
    if (wasRunning) await this.start();
  }

  async status(): Promise<ProjectionStatus> {
    const [info, deadLetters] = await Promise.all([
      this.deps.jsm.streams.info(this.stream),
      this.db
        .selectFrom('projection_dead_letter')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('projection', '=', this.projection.name)
        .executeTakeFirstOrThrow(),
    ]);
    const checkpoint = await readCheckpoint(this.db, this.projection.name);
    return {
      projection: this.projection.name,
      running: this.loop !== undefined && !this.stopping,
      role: this.role,
      checkpoint,
      lag: Math.max(0, info.state.last_seq - checkpoint),
      deadLetters: Number(deadLetters.n),
      lastError: this.lastError,
    };
  }

  /** Resolves once the checkpoint reaches `seq` (for tests and the first-look seed). */
  async waitFor(seq: number, timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const checkpoint = await readCheckpoint(this.db, this.projection.name).catch((error: unknown) => {
        if (isTransientDbError(error)) return -1;
        throw error;
      });
      if (checkpoint >= seq) return;
      if (Date.now() > deadline) throw new Error(`${this.projection.name} did not reach sequence ${seq} in ${timeoutMs} ms`);
      await sleep(20);
    }
  }

  private async migrate(): Promise<void> {
    const { schema, name, migrations } = this.projection;
    await migrateToLatest(this.deps.db, schema, runnerMigrations, 'projection_runner_migration');
    await migrateToLatest(this.deps.db, schema, migrations, `${name.replaceAll('-', '_')}_migration`);
    await ensureCheckpointRow(this.db, name);
  }

  /** Holds the projection's advisory lock on a connection of its own while it runs; waits as standby until it gets it. */
  private async run(): Promise<void> {
    while (!this.stopping) {
      try {
        await this.deps.db.connection().execute(async (lockConnection) => {
          const key = `opsledger.projection.${this.projection.schema}.${this.projection.name}`;
          while (!this.stopping) {
            const { rows } = await sql<{ ok: boolean }>`select pg_try_advisory_lock(hashtext(${key})) as ok`.execute(lockConnection);
            if (rows[0]?.ok) break;
            await sleep(this.standbyPollMs);
          }
          if (this.stopping) return;
          this.role = 'active';
          try {
            await this.consumeUntilStopped();
          } finally {
            this.role = 'standby';
            await sql`select pg_advisory_unlock(hashtext(${key}))`.execute(lockConnection).catch(() => undefined);
          }
        });
      } catch (error) {
        if (this.stopping) break;
        this.pause(error);
        await sleep(this.resumeDelayMs);
      }
    }
  }

  private async consumeUntilStopped(): Promise<void> {
    while (!this.stopping) {
      try {
        await this.consumeFromCheckpoint();
        this.lastError = undefined;
      } catch (error) {
        if (this.stopping) break;
        this.pause(error);
        await sleep(this.resumeDelayMs);
      }
    }
  }

  private pause(error: unknown): void {
    this.lastError = (error as Error).message;
    this.deps.log?.('warn', 'projection paused, resuming from its checkpoint', { projection: this.projection.name, error: this.lastError });
  }

  private async consumeFromCheckpoint(): Promise<void> {
    this.committed = await readCheckpoint(this.db, this.projection.name);
    const consumer = await this.deps.js.consumers.get(this.stream, {
      deliver_policy: DeliverPolicy.StartSequence,
      opt_start_seq: this.committed + 1,
      // The server forgets a consumer its client did not delete (a killed process) after this.
      inactive_threshold: 30_000,
    });
    // The ordered consumer is ephemeral: a restarted NATS server forgets it and
    // the client recreates it after two missed heartbeats. The library default
    // (15 s) would stall the projection for half a minute; 1 s costs little.
    const messages = await consumer.consume({ max_messages: this.batchSize * 2, expires: 5_000, idle_heartbeat: 1_000 });
    this.abortConsume = () => void messages.close();
    if (this.stopping) void messages.close();
    // Group commit: what arrives while a batch commits gathers into the next
    // one, which commits as soon as the first is done. Waiting for the commit
    // before reading on would leave the arrivals in the client's buffer, where
    // the stream already counts them as delivered (pending 0), so each would
    // then commit alone: one event per round trip, seconds behind at 1 k/s.
    // Commits stay strictly sequential (one in flight), so order and the
    // checkpoint are unaffected; a failed commit ends this consumer and the
    // runner resumes from the last committed checkpoint.
    let failure: unknown;
    let batch: Item[] = [];
    let running = false;
    let committing: Promise<void> = Promise.resolve();
    /** Resolves a full batch's wait once the commit loop has taken it (or has stopped). */
    let taken: (() => void) | undefined;
    const commitGathered = () => {
      if (running || batch.length === 0) return;
      running = true;
      committing = (async () => {
        try {
          while (batch.length > 0 && !failure) {
            const items = batch;
            batch = [];
            taken?.();
            await this.applyIsolating(items);
          }
        } catch (error) {
          // A failed commit must stop everything after it: committing a later
          // batch would move the checkpoint past events never applied.
          failure = error;
          void messages.close();
        } finally {
          // In the same step as the loop's last look at the batch: a message
          // handled after it finds the loop stopped and starts it again.
          running = false;
          taken?.();
        }
      })();
    };
    try {
      for await (const m of messages) {
        // Once stopping, the prefetched rest is left for the next start.
        if (this.stopping || failure) break;
        batch.push(this.decode(m));
        if (batch.length >= this.batchSize) {
          // Full: wait until the commit in flight ends and the loop takes this
          // batch, then read the next one while it commits.
          if (running) await new Promise<void>((resolve) => (taken = resolve));
          taken = undefined;
          if (failure) break;
          commitGathered();
        } else if (m.info.pending === 0) {
          // The stream has nothing more: commit now (or right after the commit in flight) for low latency.
          commitGathered();
        }
      }
      await committing;
      if (failure) throw failure;
      if (batch.length > 0) await this.applyIsolating(batch);
    } finally {
      // Even when the iterator threw, no commit may outlive this consumer:
      // the next one starts from the checkpoint that commit is moving.
      await committing.catch(() => undefined);
      this.abortConsume = undefined;
      await messages.close();
      await consumer.delete().catch(() => undefined);
    }
  }

  private decode(msg: RawMsg): Item {
    try {
      return { msg, event: decodeEvent(this.deps.registry, msg) };
    } catch (error) {
      return { msg, decodeError: error as Error };
    }
  }

  /**
   * Applies the batch in one transaction. If the projection throws, the
   * batch is split in halves until the event that fails is alone; that one
   * goes to the dead-letter table with its error and the rest are applied.
   * An infrastructure error (database or a called service unreachable) is
   * not the event's fault: it propagates, and the runner resumes from the
   * last commit.
   */
  private async applyIsolating(items: Item[]): Promise<void> {
    try {
      await this.applyBatch(items, undefined);
    } catch (error) {
      if (isTransientError(error)) throw error;
      const decodable = items.filter((i) => i.event);
      if (decodable.length <= 1) {
        await this.applyBatch(items, error as Error);
        return;
      }
      const half = items.indexOf(decodable[Math.floor(decodable.length / 2)]!);
      await this.applyIsolating(items.slice(0, half));
      await this.applyIsolating(items.slice(half));
    }
  }

  /** One transaction: dead letters, the projection's writes, the checkpoint. `poison` dead-letters the one decodable event. */
  private async applyBatch(items: Item[], poison: Error | undefined): Promise<void> {
    const name = this.projection.name;
    const letters = items.filter((i) => i.decodeError || (poison && i.event));
    const events = poison ? [] : items.flatMap((i) => (i.event ? [i.event] : []));
    await this.deps.db.transaction().execute(async (trx) => {
      const own = trx.withSchema(this.projection.schema) as Transaction<RunnerTables>;
      if (letters.length > 0) {
        await own
          .insertInto('projection_dead_letter')
          .values(
            letters.map((i) => ({
              projection: name,
              stream_seq: i.msg.seq,
              subject: i.msg.subject,
              event_type: i.event?.type ?? i.msg.headers?.get('Ops-Event-Type') ?? null,
              event_id: i.event?.id ?? i.msg.headers?.get('Ops-Event-Id') ?? null,
              error: String((i.decodeError ?? poison)?.stack ?? i.decodeError ?? poison),
              headers: JSON.stringify(headersOf(i.msg)),
              payload: Buffer.from(i.msg.data),
            })),
          )
          .onConflict((oc) => oc.columns(['projection', 'stream_seq']).doNothing())
          .execute();
        for (const i of letters) {
          this.deps.log?.('error', 'event dead-lettered', { projection: name, seq: i.msg.seq, error: String(i.decodeError ?? poison) });
        }
      }
      if (events.length > 0) await this.projection.apply(trx.withSchema(this.projection.schema), events);
      await advanceCheckpoint(own, name, this.committed, items.at(-1)!.msg.seq);
    });
    this.committed = items.at(-1)!.msg.seq;
    if (events.length > 0 && this.onCommitted) {
      // After the commit: a failing listener must not undo or repeat the batch.
      await Promise.resolve(this.onCommitted(events)).catch((error: unknown) =>
        this.deps.log?.('warn', 'onCommitted listener failed', { projection: name, error: String(error) }),
      );
    }
  }
}

function headersOf(msg: RawMsg): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [key, values] of msg.headers ?? []) out[key] = values;
  return out;
}
