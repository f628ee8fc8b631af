import { aggregateSubject, eventRegistry } from '@opsledger/contracts';
import { headers as natsHeaders } from '@nats-io/transport-node';
import { createTestDatabase, createTestNats, NatsServerProcess, type TestDatabase, type TestNats } from '@opsledger/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EventStore } from '../event-store';
import { ensureEventStream } from '../stream-setup';
import { dumpProgress, progressProjection } from '../test-fixtures/progress.projection';
import { publishProgress } from '../test-fixtures/publish-many';
import { systemContext, taskCreated, taskLogged, taskProgressed } from '../test-fixtures/task-events';
import { ProjectionRunner } from './projection-runner';

let pg: TestDatabase;
let nats: TestNats;
const runners: ProjectionRunner[] = [];

beforeEach(async () => {
  pg = await createTestDatabase();
  nats = await createTestNats();
  await ensureEventStream(nats.jsm, 'tasks', { prefix: nats.prefix });
});
afterEach(async () => {
  await Promise.all(runners.splice(0).map((r) => r.stop()));
  await nats.dispose();
  await pg.dispose();
});

function runner(schema = pg.schema, n = nats, batchSize = 100) {
  const r = new ProjectionRunner(
    {
      db: pg.db,
      js: n.js,
      jsm: n.jsm,
      registry: eventRegistry,
      prefix: n.prefix,
      log: process.env.DEBUG_RUNNER ? (l, m, f) => console.log(new Date().toISOString(), l, m, f) : undefined,
    },
    progressProjection(schema),
    {
      batchSize,
      resumeDelayMs: 100,
    },
  );
  runners.push(r);
  return r;
}

async function untilJetStreamAnswers(n: TestNats) {
  for (let i = 0; i < 200; i++) {
    try {
      await n.jsm.streams.info(`${n.prefix.toUpperCase()}_TASKS`);
      return;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
  throw new Error('JetStream did not come back');
}

const task = (id: string) => ({ context: 'tasks' as const, type: 'task', id });

describe('ProjectionRunner', () => {
  it('projects a stream and reports its checkpoint and lag', async () => {
    const last = await publishProgress(nats.js, nats.prefix, 1_000);
    const r = runner();
    await r.start();
    await r.waitFor(last);
    const status = await r.status();
    expect(status).toMatchObject({ checkpoint: last, lag: 0, deadLetters: 0, running: true });
    const { events, totals } = await dumpProgress(pg.db, pg.schema);
    expect(events).toHaveLength(1_000);
    expect(totals.reduce((n, t) => n + t.events, 0)).toBe(1_000);
  });

  it('sends a poison event to the dead-letter table with its error and projects the events after it', async () => {
    const store = new EventStore(nats.js, nats.jsm, eventRegistry, nats.prefix);
    await store.append(task('a'), [taskCreated('a'), taskProgressed('a', 10)], 0, systemContext);
    const poison = taskLogged('b', 'poison');
    await store.append(task('b'), [taskCreated('b'), poison], 0, systemContext);
    const { version } = await store.append(task('c'), [taskCreated('c'), taskProgressed('c', 99)], 0, systemContext);

    const r = runner();
    await r.start();
    await r.waitFor(version);

    const letters = await pg.db.withSchema(pg.schema).selectFrom('projection_dead_letter').selectAll().execute();
    expect(letters).toHaveLength(1);
    expect(letters[0]).toMatchObject({ projection: 'progress', event_id: poison.id, event_type: 'platform.tasks.v1.TaskLogged' });
    expect(letters[0]!.error).toContain('poison');
    const { events } = await dumpProgress(pg.db, pg.schema);
    expect(events.map((e) => e.task_id)).toEqual(['a', 'a', 'b', 'c', 'c']);
    expect((await r.status()).deadLetters).toBe(1);
  });

  it('dead-letters a message it cannot decode, keeping its raw bytes and headers', async () => {
    const h = natsHeaders();
    h.set('Ops-Event-Type', 'platform.tasks.v1.NoSuchEvent');
    await nats.js.publish(aggregateSubject(task('x'), nats.prefix), new Uint8Array([1, 2, 3]), { headers: h });
    const last = await publishProgress(nats.js, nats.prefix, 10);

    const r = runner();
    await r.start();
    await r.waitFor(last);
    const letters = await pg.db.withSchema(pg.schema).selectFrom('projection_dead_letter').selectAll().execute();
    expect(letters).toHaveLength(1);
    expect(letters[0]!.error).toContain('unknown event type platform.tasks.v1.NoSuchEvent');
    expect([...letters[0]!.payload]).toEqual([1, 2, 3]);
    expect(letters[0]!.headers['Ops-Event-Type']).toEqual(['platform.tasks.v1.NoSuchEvent']);
    expect((await dumpProgress(pg.db, pg.schema)).events).toHaveLength(10);
  });

  it('rebuild empties the read model and replays it to the same rows', async () => {
    const last = await publishProgress(nats.js, nats.prefix, 2_000);
    const r = runner();
    await r.start();
    await r.waitFor(last);
    const before = await dumpProgress(pg.db, pg.schema);

    await r.rebuild();
    await r.waitFor(last);
    expect(await dumpProgress(pg.db, pg.schema)).toEqual(before);
  });

  it('group commit: events that arrive while a batch commits are applied together right after it, not one per commit', async () => {
    const base = progressProjection(pg.schema);
    const batches: number[] = [];
    let openGate!: () => void;
    const gate = new Promise<void>((resolve) => (openGate = resolve));
    const r = new ProjectionRunner(
      { db: pg.db, js: nats.js, jsm: nats.jsm, registry: eventRegistry, prefix: nats.prefix },
      {
        ...base,
        apply: async (trx, events) => {
          batches.push(events.length);
          // The first commit is held open while the stream receives more.
          await gate;
          await base.apply(trx, events);
        },
      },
      { batchSize: 1_000, resumeDelayMs: 100 },
    );
    runners.push(r);
    await r.start();
    await publishProgress(nats.js, nats.prefix, 1);
    await expect.poll(() => batches.length, { timeout: 10_000 }).toBe(1);
    // One at a time, each acknowledged before the next: each reaches the runner as the stream's last (pending 0), as
    // events do at a steady rate; a runner that waited for the commit before reading on would then commit each alone.
    let last = 0;
    for (let i = 1; i <= 60; i++) last = await publishProgress(nats.js, nats.prefix, 1, 50, i);
    // Time for the 60 to reach the runner while the first commit waits (the test holds for any delivery speed:
    // the fewer delivered by now, the more batches, but never one per event with a group commit).
    await new Promise((resolve) => setTimeout(resolve, 300));
    openGate();
    await r.waitFor(last);
    expect(batches.reduce((n, b) => n + b, 0)).toBe(61);
    expect(batches.length).toBeLessThanOrEqual(5);
    expect((await dumpProgress(pg.db, pg.schema)).events).toHaveLength(61);
  });

  it('resumes after its process stops: a restarted runner continues from the checkpoint without doubling', async () => {
    const first = await publishProgress(nats.js, nats.prefix, 500);
    const r1 = runner();
    await r1.start();
    await r1.waitFor(first);
    await r1.stop();
    const last = await publishProgress(nats.js, nats.prefix, 500, 50, 500);
    const r2 = runner();
    await r2.start();
    await r2.waitFor(last);
    expect((await dumpProgress(pg.db, pg.schema)).events).toHaveLength(1_000);
  });

  it('rides out a NATS server restart: reconnects by itself and catches up', async () => {
    const server = await NatsServerProcess.start();
    const own = await createTestNats(server.url);
    try {
      await ensureEventStream(own.jsm, 'tasks', { prefix: own.prefix });
      const r = runner(pg.schema, own, 50);
      const first = await publishProgress(own.js, own.prefix, 3_000);
      await r.start();
      // Restart while the runner is mid-stream.
      await new Promise((resolve) => setTimeout(resolve, 30));
      await server.restart();
      await untilJetStreamAnswers(own);
      const last = await publishProgress(own.js, own.prefix, 2_000, 50, 3_000);
      expect(last).toBeGreaterThan(first);
      await r.waitFor(last, 60_000);
      const { events } = await dumpProgress(pg.db, pg.schema);
      expect(events).toHaveLength(5_000);
      expect(new Set(events.map((e) => e.stream_seq)).size).toBe(5_000);
      await r.stop();
    } finally {
      await own.dispose().catch(() => undefined);
      await server.dispose();
    }
  });
});
