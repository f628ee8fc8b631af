// Event store and projector throughput, each beside the raw limit of the
// same machine measured in the same run:
//   event-store append (with its concurrency check)  vs  raw JetStream async publish
//   projector apply into Postgres                     vs  raw COPY into the same table shape
// Prints figures; never fails on a number.   BENCH_EVENTS=100000 npm run bench
import { aggregateSubject, eventRegistry, streamName } from '@opsledger/contracts';
import { encodeEvent, ensureEventStream, EventStore, type NewEvent, ProjectionRunner } from '@opsledger/eventstore';
import { createTestDatabase, createTestNats, testEnv } from '@opsledger/testing';
import pg from 'pg';
import { create } from '@bufbuild/protobuf';
import { tasksV1 } from '@opsledger/contracts';
import { from as copyFrom } from 'pg-copy-streams';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { cpus } from 'node:os';
import { v7 as uuidv7 } from 'uuid';
import { sql } from 'kysely';
import { benchProjection, createBenchTable } from './src/bench-projection';
import { formatRow, measure, rate } from './src/measure';

const total = Number(process.env.BENCH_EVENTS ?? 100_000);
const aggregates = Math.min(1_000, total);
const perAggregate = Math.ceil(total / aggregates);
const events = aggregates * perAggregate;
const context = { actor: { kind: 'system' as const, id: 'bench' }, source: 'system' as const };

const makeEvent = (taskId: string, i: number): NewEvent => ({
  id: uuidv7(),
  occurredAt: new Date(),
  data: create(tasksV1.TaskProgressedSchema, { taskId, percent: i % 101 }),
});
const ids = Array.from({ length: aggregates }, (_, a) => `bench-${a}`);

const db = await createTestDatabase('opsledger-bench');
const nats = await createTestNats();
try {
  console.log(
    `Ops Ledger event store benchmark: ${events.toLocaleString('en-US')} events over ${aggregates} aggregates, ${cpus().length} cores\n`,
  );

  // 1. Raw limit: pipelined JetStream publishes of the same payloads and headers, no expectations.
  // On another context's stream, so these events do not stand in the way of the appends' version checks below.
  await ensureEventStream(nats.jsm, 'logins', { prefix: nats.prefix });
  const rawPublish = await measure('raw JetStream async publish', events, async () => {
    // One pipelined loop, up to `aggregates` publishes in flight: the same
    // concurrency the event store gets below, without any check.
    let inFlight: Promise<unknown>[] = [];
    for (let i = 0; i < events; i++) {
      const id = ids[i % aggregates]!;
      const { headers, data } = encodeEvent(eventRegistry, makeEvent(id, i), context);
      inFlight.push(nats.js.publish(aggregateSubject({ context: 'logins', type: 'task', id }, nats.prefix), data, { headers }));
      if (inFlight.length >= aggregates) {
        await Promise.all(inFlight);
        inFlight = [];
      }
    }
    await Promise.all(inFlight);
  });

  // 2. The event store: the same shape of load, each append checked against the aggregate's version and de-duplicated by id.
  await ensureEventStream(nats.jsm, 'tasks', { prefix: nats.prefix });
  const store = new EventStore(nats.js, nats.jsm, eventRegistry, nats.prefix);
  let last = 0;
  const append = await measure('event-store append (OCC + Msg-Id)', events, async () => {
    await Promise.all(
      ids.map(async (id) => {
        let version = 0;
        for (let i = 0; i < perAggregate; i++) {
          ({ version } = await store.append({ context: 'tasks', type: 'task', id }, [makeEvent(id, i)], version, context));
        }
        last = Math.max(last, version);
      }),
    );
  });

  // 3. Raw limit: COPY of the same rows into a table of the read model's shape.
  await createBenchTable(db.db, db.schema, 'copy_row');
  const rows = function* () {
    const at = new Date().toISOString();
    for (let i = 0; i < events; i++) yield `${uuidv7()}\tbench-${i % aggregates}\t${i + 1}\t${i % 101}\t${at}\n`;
  };
  const copy = await measure('raw Postgres COPY', events, async () => {
    const c = new pg.Client({ connectionString: testEnv.databaseUrl });
    await c.connect();
    try {
      await pipeline(Readable.from(rows()), c.query(copyFrom(`copy ${db.schema}.copy_row from stdin`)));
    } finally {
      await c.end();
    }
  });

  // 3b. Raw limit of the read side: an ordered consumer draining the stream, no decoding, no database.
  const consume = await measure('raw JetStream ordered consume', events, async () => {
    const consumer = await nats.js.consumers.get(streamName('tasks', nats.prefix));
    const messages = await consumer.consume({ max_messages: 4_000 });
    for await (const m of messages) if (m.seq >= last) break;
    await messages.close();
  });

  // 4. The projector: consume the stream and apply it in batches, checkpoint in the same transaction.
  const runner = new ProjectionRunner(
    { db: db.db, js: nats.js, jsm: nats.jsm, registry: eventRegistry, prefix: nats.prefix },
    benchProjection(db.schema),
    {
      batchSize: Number(process.env.BENCH_BATCH ?? 2_000),
    },
  );
  const apply = await measure('projector apply (batch + checkpoint tx)', events, async () => {
    await runner.start();
    await runner.waitFor(last, 600_000);
  });
  await runner.stop();
  const { rows: counted } = await sql<{ n: number }>`select count(*)::int as n from ${sql.table(`${db.schema}.progress_row`)}`.execute(
    db.db,
  );

  console.log(formatRow(rawPublish));
  console.log(formatRow(append, rawPublish, 'target ≥ 50 %'));
  console.log(formatRow(copy));
  console.log(formatRow(consume));
  console.log(formatRow(apply, copy, `target ≥ 50 % and ≥ 20,000/s (${rate(apply) >= 20_000 ? 'met' : 'not met'})`));
  console.log(formatRow({ ...apply, name: '  same, against the consume limit' }, consume));
  console.log(`\nprojected rows: ${counted[0]!.n.toLocaleString('en-US')} of ${events.toLocaleString('en-US')}`);
} finally {
  await nats.dispose();
  await db.dispose();
}
