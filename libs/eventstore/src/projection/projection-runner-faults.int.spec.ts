import { eventRegistry } from '@opsledger/contracts';
import { createDb, migrateToLatest } from '@opsledger/db';
import { createTestDatabase, createTestNats, type TestDatabase, type TestNats, testEnv, uniqueToken } from '@opsledger/testing';
import { type Kysely, sql } from 'kysely';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { ensureEventStream } from '../stream-setup';
import { dumpProgress, progressProjection } from '../test-fixtures/progress.projection';
import { publishProgress } from '../test-fixtures/publish-many';
import { ProjectionRunner } from './projection-runner';
import { CheckpointMovedError } from './checkpoint-moved-error';
import { advanceCheckpoint, ensureCheckpointRow, readCheckpoint, type RunnerTables, runnerMigrations } from './runner-tables';

let pg: TestDatabase;
let nats: TestNats;
let runnerDb: Kysely<any>;
const appName = `runner-${uniqueToken()}`;

beforeEach(async () => {
  pg = await createTestDatabase();
  nats = await createTestNats();
  // The runner's own pool, named, so the test can find and cut its connections.
  runnerDb = createDb({ connectionString: testEnv.databaseUrl, applicationName: appName, max: 2 });
  await ensureEventStream(nats.jsm, 'tasks', { prefix: nats.prefix });
});
afterEach(async () => {
  await runnerDb.destroy();
  await nats.dispose();
  await pg.dispose();
});

const runner = (sleepMsPerBatch = 0) =>
  new ProjectionRunner(
    { db: runnerDb, js: nats.js, jsm: nats.jsm, registry: eventRegistry, prefix: nats.prefix },
    progressProjection(pg.schema, { sleepMsPerBatch }),
    {
      batchSize: 200,
      resumeDelayMs: 50,
    },
  );

const openTransactions = async () =>
  (
    await sql<{
      n: number;
    }>`select count(*)::int as n from pg_stat_activity where application_name = ${appName} and xact_start is not null`.execute(pg.db)
  ).rows[0]!.n;

it('stop() during a batch lets that batch commit: the checkpoint matches the rows', async () => {
  await publishProgress(nats.js, nats.prefix, 2_000);
  const r = runner(150);
  await r.start();
  // A batch has committed, and the next one is in flight (its transaction open): stop now.
  while ((await readCheckpoint(pg.db.withSchema(pg.schema), 'progress')) === 0) await sleep(5);
  while ((await openTransactions()) === 0) await sleep(5);
  await r.stop();

  const checkpoint = await readCheckpoint(pg.db.withSchema(pg.schema), 'progress');
  const { events } = await dumpProgress(pg.db, pg.schema);
  expect(checkpoint).toBeGreaterThan(0);
  expect(events).toHaveLength(checkpoint);
  expect(await openTransactions()).toBe(0);
});

it('a Postgres connection cut mid-stream is retried from the checkpoint, never dead-lettered', async () => {
  const last = await publishProgress(nats.js, nats.prefix, 3_000);
  const r = runner(20);
  await r.start();
  for (let cut = 0; cut < 5; cut++) {
    while ((await openTransactions()) === 0) await sleep(2);
    await sql`select pg_terminate_backend(pid) from pg_stat_activity where application_name = ${appName}`.execute(pg.db);
  }
  await r.waitFor(last, 60_000);
  const status = await r.status();
  await r.stop();

  expect(status.deadLetters).toBe(0);
  const { events } = await dumpProgress(pg.db, pg.schema);
  expect(events).toHaveLength(3_000);
  expect(new Set(events.map((e) => e.stream_seq)).size).toBe(3_000);
});

it('two runners of one projection (two replicas): one is active, one stands by, no event applies twice, and the standby takes over', async () => {
  const first = await publishProgress(nats.js, nats.prefix, 2_000);
  const a = runner();
  const b = new ProjectionRunner(
    { db: pg.db, js: nats.js, jsm: nats.jsm, registry: eventRegistry, prefix: nats.prefix },
    progressProjection(pg.schema),
    {
      batchSize: 200,
      standbyPollMs: 100,
    },
  );
  await Promise.all([a.start(), b.start()]);
  await a.waitFor(first);
  const roles = [(await a.status()).role, (await b.status()).role].sort();
  expect(roles).toEqual(['active', 'standby']);

  const [active, standby] = (await a.status()).role === 'active' ? [a, b] : [b, a];
  await active.stop();
  const last = await publishProgress(nats.js, nats.prefix, 1_000, 50, 2_000);
  await standby.waitFor(last);
  expect((await standby.status()).role).toBe('active');
  await standby.stop();

  const { events } = await dumpProgress(pg.db, pg.schema);
  expect(events).toHaveLength(3_000);
  expect(new Set(events.map((e) => e.stream_seq)).size).toBe(3_000);
});

it('stop() right after start() on a quiet stream returns at once', async () => {
  const r = runner();
  await r.start();
  const started = Date.now();
  await r.stop();
  expect(Date.now() - started).toBeLessThan(5_000);
});

it('a deadlock or serialization failure is retried, not dead-lettered', async () => {
  const last = await publishProgress(nats.js, nats.prefix, 300);
  const projection = progressProjection(pg.schema);
  let failures = 0;
  const flaky = {
    ...projection,
    async apply(trx: never, events: never[]) {
      if (failures++ < 2) throw Object.assign(new Error('deadlock detected'), { code: failures === 1 ? '40P01' : '40001' });
      return projection.apply(trx, events);
    },
  };
  const r = new ProjectionRunner({ db: runnerDb, js: nats.js, jsm: nats.jsm, registry: eventRegistry, prefix: nats.prefix }, flaky, {
    resumeDelayMs: 20,
  });
  await r.start();
  await r.waitFor(last);
  expect((await r.status()).deadLetters).toBe(0);
  await r.stop();
  expect((await dumpProgress(pg.db, pg.schema)).events).toHaveLength(300);
});

it('the checkpoint only moves from where its runner left it: a second writer from the same place is refused', async () => {
  const own = pg.db.withSchema(pg.schema) as Kysely<RunnerTables>;
  await migrateToLatest(pg.db, pg.schema, runnerMigrations, 'projection_runner_migration');
  await ensureCheckpointRow(own, 'fenced');
  await own.transaction().execute((trx) => advanceCheckpoint(trx, 'fenced', 0, 100));
  // A runner that lost its lock still believes the checkpoint is at 0.
  await expect(own.transaction().execute((trx) => advanceCheckpoint(trx, 'fenced', 0, 100))).rejects.toBeInstanceOf(CheckpointMovedError);
  expect(await readCheckpoint(own, 'fenced')).toBe(100);
});
