// The scheduler service booted in-process, as main.ts boots it, against a
// Temporal dev server, NATS and PostgreSQL of the test's own (prefix, schema,
// server), with helpers to read what it wrote. Test code only.
import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { eventRegistry, type schedulerV1, streamName } from '@opsledger/contracts';
import { contextSchema } from '@opsledger/db';
import { decodeEvent, ensureEventStream, EventStore, type StoredEvent } from '@opsledger/eventstore';
import { CommandClient } from '@opsledger/messaging';
import { loadConfig } from '@opsledger/telemetry';
import { createTemporalTestEnv, createTestDatabase, createTestNats, type TestDatabase, type TestNats, testEnv } from '@opsledger/testing';
import type { ScheduleSummary } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { sql } from 'kysely';
import { setTimeout as sleep } from 'node:timers/promises';
import { type JobDeps, type ScheduledJob, scheduledJobs } from '../activities/jobs';
import { SchedulerModule } from '../scheduler.module';
import { type SchedulerConfig, schedulerConfigSchema } from '../scheduler.config';
import { scheduleIdOf } from '../schedules/job-schedule';

export interface SchedulerHarness {
  temporal: TestWorkflowEnvironment;
  nats: TestNats;
  pg: TestDatabase;
  store: EventStore;
  client: CommandClient;
  config: SchedulerConfig;
  /** The service's private schema. */
  schema: string;
  /** The job deps the service built (captured at boot), for calling a job's body directly. */
  deps(): JobDeps;
  /** Boots the service and waits until /readyz says ready (its reconcile done). */
  boot(): Promise<void>;
  /** Stops it as SIGTERM would. */
  stop(): Promise<void>;
  dispose(): Promise<void>;
  /** This test's schedules on the Temporal server. */
  schedules(): Promise<ScheduleSummary[]>;
  /** Every stored event under evt.scheduler.<filter>, in stream order. */
  events(filter: string): Promise<StoredEvent[]>;
  /** Each run of a job: its JobRunStarted and (when finished) JobRunFinished. */
  runs(jobId: string): Promise<Run[]>;
  /** Waits for a run matching `match` to finish. */
  finishedRun(jobId: string, match: (run: Run) => boolean, timeoutMs?: number): Promise<Required<Run>>;
}

export interface Run {
  started: schedulerV1.JobRunStarted;
  finished?: schedulerV1.JobRunFinished;
}

/** The registry's jobs plus the test's own. */
export const registryAnd =
  (...extra: ((deps: JobDeps) => ScheduledJob)[]) =>
  (deps: JobDeps): ScheduledJob[] => [...scheduledJobs(deps, { provisioningRetentionDays: 90 }), ...extra.map((job) => job(deps))];

export async function createSchedulerHarness(options: { jobs?: (deps: JobDeps) => ScheduledJob[] } = {}): Promise<SchedulerHarness> {
  const [{ env: temporal }, nats, pg] = await Promise.all([createTemporalTestEnv(), createTestNats(), createTestDatabase()]);
  await ensureEventStream(nats.jsm, 'scheduler', { prefix: nats.prefix });
  const store = new EventStore(nats.js, nats.jsm, eventRegistry, nats.prefix);
  const client = new CommandClient(nats.nc, nats.prefix);
  const config = loadConfig(schedulerConfigSchema, {
    DATABASE_URL: testEnv.databaseUrl,
    NATS_URL: nats.url,
    OPSLEDGER_PREFIX: nats.prefix,
    TEMPORAL_ADDRESS: temporal.address,
    LOG_LEVEL: 'warn',
  });
  const schema = contextSchema('scheduler_service', nats.prefix);
  let app: INestApplication | undefined;
  let captured: JobDeps | undefined;
  const jobs = (deps: JobDeps) => {
    captured = deps;
    return options.jobs?.(deps) ?? scheduledJobs(deps, { provisioningRetentionDays: 90 });
  };

  const harness: SchedulerHarness = {
    temporal,
    nats,
    pg,
    store,
    client,
    config,
    schema,
    deps: () => captured ?? raise('the service has not booted'),
    async boot() {
      app = await NestFactory.create(SchedulerModule.forRoot(config, { jobs }), { logger: ['error'] });
      await app.listen(0, '127.0.0.1');
      const url = `${(await app.getUrl()).replace('[::1]', '127.0.0.1')}/readyz`;
      const deadline = Date.now() + 60_000;
      for (;;) {
        const res = await fetch(url);
        if (res.status === 200) return;
        if (Date.now() > deadline) throw new Error(`scheduler not ready: ${await res.text()}`);
        await sleep(100);
      }
    },
    async stop() {
      await app?.close();
      app = undefined;
    },
    async dispose() {
      await harness.stop();
      await sql`drop schema if exists ${sql.id(schema)} cascade`.execute(pg.db);
      await sql`drop schema if exists ${sql.id(contextSchema('tasks_service', nats.prefix))} cascade`.execute(pg.db);
      await temporal.teardown();
      await nats.dispose();
      await pg.dispose();
    },
    async schedules() {
      const ours = scheduleIdOf(nats.prefix, 'x').slice(0, -1);
      const all: ScheduleSummary[] = [];
      for await (const s of temporal.client.schedule.list()) if (s.scheduleId.startsWith(ours)) all.push(s);
      return all.sort((a, b) => a.scheduleId.localeCompare(b.scheduleId));
    },
    async events(filter) {
      const consumer = await nats.js.consumers.get(streamName('scheduler', nats.prefix), {
        filter_subjects: `${nats.prefix}.evt.scheduler.${filter}`,
      });
      const out: StoredEvent[] = [];
      try {
        const { num_pending } = await consumer.info();
        if (num_pending === 0) return out;
        const batch = await consumer.fetch({ max_messages: 10_000, expires: 2_000 });
        for await (const m of batch) {
          out.push(decodeEvent(eventRegistry, m));
          if (m.info.pending === 0) break;
        }
      } finally {
        await consumer.delete().catch(() => undefined);
      }
      return out;
    },
    async runs(jobId) {
      const byRun = new Map<string, Run>();
      for (const e of await harness.events('run.>')) {
        const data = e.data as schedulerV1.RunEvent;
        if (data.jobId !== jobId) continue;
        if (data.$typeName === 'platform.scheduler.v1.JobRunStarted') byRun.set(data.runId, { started: data });
        else {
          const run = byRun.get(data.runId);
          if (run) run.finished = data;
        }
      }
      return [...byRun.values()];
    },
    async finishedRun(jobId, match, timeoutMs = 60_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const run = (await harness.runs(jobId)).find((r) => r.finished && match(r));
        if (run) return run as Required<Run>;
        if (Date.now() > deadline) throw new Error(`no finished run of ${jobId} matched within ${timeoutMs} ms`);
        await sleep(100);
      }
    },
  };
  return harness;
}

function raise(message: string): never {
  throw new Error(message);
}
