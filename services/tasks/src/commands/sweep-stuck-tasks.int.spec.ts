// SweepStuckTasks through NATS, as the scheduler's tasks.stuck-sweep job
// sends it, against the dispatcher's private table (fed from the real TASKS
// stream) and the task decider: one warning per stall.
import { create } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { ActorKind, eventRegistry, Source, streamName, tasksV1 } from '@opsledger/contracts';
import { ensureEventStream, EventStore, ProjectionRunner } from '@opsledger/eventstore';
import { CommandClient, serveCommands } from '@opsledger/messaging';
import { withDomainErrorReplies } from '@opsledger/service-runtime';
import { createTemporalTestEnv, createTestDatabase, createTestNats, type TestDatabase, type TestNats } from '@opsledger/testing';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Kysely } from 'kysely';
import { v7 as uuidv7 } from 'uuid';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { taskRef } from '../domain/refs';
import { type DispatchTables, workflowDispatcherProjection } from '../projections/workflow-dispatcher.projection';
import { sweepStuckTasksHandler } from './sweep-stuck-tasks.handler';

let temporal: TestWorkflowEnvironment;
let nats: TestNats;
let pg: TestDatabase;
let store: EventStore;
let dispatcher: ProjectionRunner;
let client: CommandClient;
const worker = { actor: { kind: 'system' as const, id: 'tasks-worker' }, source: 'system' as const };
const scheduler = { userId: 'scheduler', kind: ActorKind.SYSTEM };

beforeAll(async () => {
  let taskQueue: string;
  [{ env: temporal, taskQueue }, nats, pg] = await Promise.all([createTemporalTestEnv(), createTestNats(), createTestDatabase()]);
  await ensureEventStream(nats.jsm, 'tasks', { prefix: nats.prefix });
  store = new EventStore(nats.js, nats.jsm, eventRegistry, nats.prefix);
  // The dispatcher starts each task's workflow on Temporal (no worker polls: they stay pending) and keeps the table the sweep reads.
  dispatcher = new ProjectionRunner(
    { db: pg.db, js: nats.js, jsm: nats.jsm, registry: eventRegistry, prefix: nats.prefix },
    workflowDispatcherProjection(pg.schema, { client: temporal.client, taskQueue, defaultStepTimeoutMs: 120_000 }),
  );
  await dispatcher.start();
  const handler = sweepStuckTasksHandler({
    store,
    newId: uuidv7,
    now: () => new Date(),
    db: pg.db.withSchema(pg.schema) as Kysely<DispatchTables>,
    defaultStepTimeoutMs: 120_000,
  });
  serveCommands(nats.nc, [withDomainErrorReplies(handler)], { prefix: nats.prefix, queue: 'tasks' });
  client = new CommandClient(nats.nc, nats.prefix);
});
afterAll(async () => {
  await dispatcher?.stop();
  await temporal?.teardown();
  await nats?.dispose();
  await pg?.dispose();
});

const ago = (ms: number) => timestampFromDate(new Date(Date.now() - ms));
/** Appends a task's history as the tasks service and its worker would have written it. */
async function task(events: (taskId: string) => tasksV1.TaskEvent[]) {
  const taskId = uuidv7();
  await store.append(
    taskRef(taskId),
    events(taskId).map((data) => ({ id: uuidv7(), data, occurredAt: new Date() })),
    0,
    worker,
  );
  return taskId;
}
const created = (taskId: string, type: string, params: Record<string, number>, age: number) =>
  create(tasksV1.TaskCreatedSchema, {
    taskId,
    type,
    target: { userId: 'u-1', hypervisorId: 'hv-1', instanceId: `vm-${taskId.slice(-4)}` },
    params,
    createdAt: ago(age),
    attempt: 1,
  });
const started = (taskId: string, age: number) =>
  create(tasksV1.TaskStartedSchema, { taskId, startedAt: ago(age), workflowId: `task-${taskId}-1`, runId: 'r-1' });
const progressed = (taskId: string, percent: number, age: number) =>
  create(tasksV1.TaskProgressedSchema, { taskId, percent, at: ago(age) });
const caughtUp = async () => dispatcher.waitFor((await nats.jsm.streams.info(streamName('tasks', nats.prefix))).state.last_seq);
const sweep = () => client.send(tasksV1.SweepStuckTasksCommand, { actor: scheduler, source: Source.SYSTEM });
const warnings = async (taskId: string) =>
  (await store.read(taskRef(taskId)))
    .filter((e) => e.type === tasksV1.TaskLoggedSchema.typeName && (e.data as tasksV1.TaskLogged).step === 'stuck-sweep')
    .map((e) => ({ ...(e.data as tasksV1.TaskLogged), actor: e.actor }));

it('flags a running task silent past its budget once per stall, and again only after it moved', async () => {
  // A snapshot at 1 s per step may take 2 s; this one last moved 5 s ago.
  const stuck = await task((id) => [
    created(id, 'instance.snapshot', { stepTimeoutMs: 1_000 }, 60_000),
    started(id, 10_000),
    progressed(id, 70, 5_000),
  ]);
  // Same silence, but 60 s per step: within its budget.
  const slow = await task((id) => [created(id, 'instance.snapshot', { stepTimeoutMs: 60_000 }, 60_000), started(id, 10_000)]);
  // Silent for longer than any budget, but finished or never started.
  const done = await task((id) => [
    created(id, 'instance.deploy', {}, 3_600_000),
    started(id, 3_600_000),
    create(tasksV1.TaskCompletedSchema, { taskId: id, completedAt: ago(3_000_000) }),
  ]);
  const pending = await task((id) => [created(id, 'instance.deploy', {}, 3_600_000)]);
  await caughtUp();

  const first = await sweep();
  expect(first.running).toBe(2);
  expect(first.flagged.map(({ taskId, type, budgetSeconds }) => ({ taskId, type, budgetSeconds }))).toEqual([
    { taskId: stuck, type: 'instance.snapshot', budgetSeconds: 2 },
  ]);
  expect(first.flagged[0]!.stalledSeconds).toBeGreaterThanOrEqual(5);
  const [warning, ...more] = await warnings(stuck);
  expect(more).toEqual([]);
  expect(warning).toMatchObject({ level: tasksV1.LogLevel.WARN, actor: { kind: 'system', id: 'scheduler' } });
  expect(warning!.text).toMatch(/^no progress for \d+ s, past its 2 s budget \(2 steps × 1 s\): its worker may be stuck or gone$/);
  for (const id of [slow, done, pending]) expect(await warnings(id)).toEqual([]);

  // The same stall is not warned about again: neither by the next sweep, nor by two at once.
  await caughtUp();
  expect((await sweep()).flagged).toEqual([]);
  expect((await Promise.all([sweep(), sweep()])).flatMap((r) => r.flagged)).toEqual([]);
  expect(await warnings(stuck)).toHaveLength(1);

  // It moves (3 s ago), and stalls again past its budget: one more warning, however many sweeps race for it.
  await store.append(
    taskRef(stuck),
    [{ id: uuidv7(), data: progressed(stuck, 85, 3_000), occurredAt: new Date() }],
    (await store.read(taskRef(stuck))).at(-1)!.streamSeq,
    worker,
  );
  await caughtUp();
  const racing = await Promise.all([sweep(), sweep()]);
  expect(racing.flatMap((r) => r.flagged).map((f) => f.taskId)).toEqual([stuck]);
  expect(await warnings(stuck)).toHaveLength(2);
});
