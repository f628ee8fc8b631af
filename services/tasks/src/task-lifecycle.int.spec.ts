import type { JsonObject } from '@bufbuild/protobuf';
import { ActorKind, eventRegistry, tasksV1 } from '@opsledger/contracts';
import { ensureEventStream, EventStore, ProjectionRunner, type StoredEvent } from '@opsledger/eventstore';
import { HypervisorSim } from '@opsledger/hypervisor-sim';
import { CommandClient, ConflictError, serveCommands } from '@opsledger/messaging';
import { withDomainErrorReplies } from '@opsledger/service-runtime';
import { createTemporalTestEnv, createTestDatabase, createTestNats, type TestDatabase, type TestNats } from '@opsledger/testing';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import { type ChildProcess, fork } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { v7 as uuidv7 } from 'uuid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTaskHandler } from './commands/create-task.handler';
import { describeWorkersHandler } from './commands/describe-workers.handler';
import { cancelTaskHandler, retryTaskHandler } from './commands/lifecycle.handlers';
import { taskRef } from './domain/refs';
import { evolve, initialTaskState, type TaskEvent, type TaskState } from './domain/task.events';
import { workflowDispatcherProjection } from './projections/workflow-dispatcher.projection';
import { createTaskWorker } from './worker';

let temporal: TestWorkflowEnvironment;
let taskQueue: string;
let nats: TestNats;
let pg: TestDatabase;
let sim: HypervisorSim;
let store: EventStore;
let client: CommandClient;
let dispatcher: ProjectionRunner;
let worker: { instance: Worker; running: Promise<void> } | undefined;

beforeAll(async () => {
  ({ env: temporal, taskQueue } = await createTemporalTestEnv());
  nats = await createTestNats();
  pg = await createTestDatabase();
  sim = new HypervisorSim({ latencyMs: 30 });
  await sim.start();
  await ensureEventStream(nats.jsm, 'tasks', { prefix: nats.prefix });
  store = new EventStore(nats.js, nats.jsm, eventRegistry, nats.prefix);
  const deps = { store, newId: uuidv7, now: () => new Date() };
  const workersHandler = describeWorkersHandler({ client: temporal.client, namespace: 'default', taskQueue });
  // Served as the service runtime serves them: a decider's refusal answers 409/404.
  const handlers = [createTaskHandler(deps), cancelTaskHandler(deps), retryTaskHandler(deps), workersHandler].map(withDomainErrorReplies);
  serveCommands(nats.nc, handlers, {
    prefix: nats.prefix,
    queue: 'tasks',
  });
  client = new CommandClient(nats.nc, nats.prefix);
  dispatcher = new ProjectionRunner(
    { db: pg.db, js: nats.js, jsm: nats.jsm, registry: eventRegistry, prefix: nats.prefix },
    workflowDispatcherProjection(pg.schema, { client: temporal.client, taskQueue, defaultStepTimeoutMs: 4_000 }),
  );
  await dispatcher.start();
});
afterAll(async () => {
  await stopWorker();
  await dispatcher?.stop();
  await sim?.stop();
  await temporal?.teardown();
  await nats?.dispose();
  await pg?.dispose();
});

async function startWorker() {
  const instance = await createTaskWorker({
    connection: temporal.nativeConnection,
    namespace: 'default',
    taskQueue,
    store,
    hypervisorUrl: sim.url,
  });
  worker = { instance, running: instance.run() };
}
async function stopWorker() {
  if (!worker) return;
  worker.instance.shutdown();
  await worker.running;
  worker = undefined;
}

const staff = { userId: 'admin-1', kind: ActorKind.STAFF };
let n = 0;
async function createTask(type: string, hypervisorId = 'hv-1', params: JsonObject = {}) {
  const { taskId } = await client.send(tasksV1.CreateTaskCommand, {
    actor: staff,
    type,
    target: { userId: 'u-1', hypervisorId, instanceId: `vm-${++n}` },
    params,
  });
  return taskId;
}
async function events(taskId: string): Promise<StoredEvent[]> {
  return store.read(taskRef(taskId));
}
async function state(taskId: string): Promise<TaskState> {
  return (await events(taskId)).reduce((s, e) => evolve(s, e.data as TaskEvent), initialTaskState());
}
async function until(taskId: string, status: string, ms = 30_000) {
  const deadline = Date.now() + ms;
  for (;;) {
    const s = await state(taskId);
    if (s.status === status) return s;
    if (Date.now() > deadline) throw new Error(`task ${taskId} is ${s.status}, not ${status}, after ${ms} ms`);
    await sleep(50);
  }
}
const lines = async (taskId: string) =>
  (await events(taskId)).filter((e) => e.type === tasksV1.TaskLoggedSchema.typeName).map((e) => (e.data as tasksV1.TaskLogged).text);

describe('with no worker polling', () => {
  it('a new task stays pending, and cancelling it while pending succeeds', async () => {
    const taskId = await createTask('instance.deploy');
    await sleep(500);
    expect((await state(taskId)).status).toBe('pending');
    await client.send(tasksV1.CancelTaskCommand, { actor: staff, taskId, reason: 'no longer needed' });
    expect((await state(taskId)).status).toBe('cancelled');
  });

  it('tasks stay pending while the worker is stopped and complete once it starts; the worker status says which', async () => {
    const workerStatus = async () =>
      (await client.send(tasksV1.DescribeWorkersCommand, { actor: staff })).queues.map((q) => [q.kind, q.status]);
    const taskId = await createTask('instance.snapshot');
    await sleep(500);
    expect((await state(taskId)).status).toBe('pending');
    expect(await workerStatus()).toEqual([
      ['workflow', 'none'],
      ['activity', 'none'],
    ]);
    await startWorker();
    await until(taskId, 'completed');
    await sleep(2_100); // past the status cache
    expect(await workerStatus()).toEqual([
      ['workflow', 'polling'],
      ['activity', 'polling'],
    ]);
  });
});

describe('with the worker running', () => {
  beforeAll(async () => {
    if (!worker) await startWorker();
  });

  it('a deploy runs to completed: progress reaches 100 and the step lines come in order', async () => {
    const taskId = await createTask('instance.deploy');
    const done = await until(taskId, 'completed');
    expect(done).toMatchObject({ progress: 100, attempt: 1 });
    expect(await lines(taskId)).toEqual(['DHCP lease assigned', 'disk attached', 'OS image written', 'OS booted', 'network verified']);
    const percents = (await events(taskId))
      .filter((e) => e.type === tasksV1.TaskProgressedSchema.typeName)
      .map((e) => (e.data as tasksV1.TaskProgressed).percent);
    expect(percents).toEqual([15, 35, 65, 85, 100]);
  });

  it('a fault on one step fails the task with the hypervisor’s error in the log; a retry completes on attempt 2', async () => {
    await fetch(`${sim.url}/_sim/faults`, {
      method: 'POST',
      body: JSON.stringify({ hypervisorId: 'hv-faulty', step: 'disk.attach', mode: 'error', count: 1 }),
    });
    const taskId = await createTask('instance.deploy', 'hv-faulty');
    const failed = await until(taskId, 'failed');
    expect(failed.status === 'failed' && failed.error).toMatch(/hv-faulty: disk.attach failed: no free LUN/);
    expect(await lines(taskId)).toContain('hypervisor hv-faulty: disk.attach failed: no free LUN on storage pool "fast-1"');

    await client.send(tasksV1.RetryTaskCommand, { actor: staff, taskId });
    const retried = await until(taskId, 'completed');
    expect(retried).toMatchObject({ attempt: 2, progress: 100 });
  });

  it('a hypervisor that does not answer shows “waiting for hypervisor response”, then fails the task after the step timeout', async () => {
    await fetch(`${sim.url}/_sim/faults`, {
      method: 'POST',
      body: JSON.stringify({ hypervisorId: 'hv-silent', step: 'os.boot', mode: 'hang' }),
    });
    try {
      const taskId = await createTask('instance.deploy', 'hv-silent', { stepTimeoutMs: 3_000 });
      const failed = await until(taskId, 'failed', 60_000);
      expect(failed.status === 'failed' && failed.error).toBe('hypervisor hv-silent did not answer os.boot within 3 s');
      expect(await lines(taskId)).toContain('waiting for hypervisor response');
    } finally {
      await fetch(`${sim.url}/_sim/faults`, { method: 'DELETE' });
    }
  });

  it('a running task cannot be cancelled (409 with the rule)', async () => {
    await fetch(`${sim.url}/_sim/faults`, { method: 'POST', body: JSON.stringify({ hypervisorId: 'hv-slow', mode: 'slow' }) });
    try {
      const taskId = await createTask('instance.backup', 'hv-slow');
      await until(taskId, 'running');
      const error = await client.send(tasksV1.CancelTaskCommand, { actor: staff, taskId, reason: 'x' }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ConflictError);
      expect((error as Error).message).toMatch(/running task cannot be cancelled mid-flight/);
    } finally {
      await fetch(`${sim.url}/_sim/faults`, { method: 'DELETE' });
    }
  });

  it('a failed migrate cannot be retried (409: not idempotent)', async () => {
    await fetch(`${sim.url}/_sim/faults`, {
      method: 'POST',
      body: JSON.stringify({ hypervisorId: 'hv-mig', step: 'migrate.copy', mode: 'error', count: 1 }),
    });
    const taskId = await createTask('instance.migrate', 'hv-mig');
    await until(taskId, 'failed');
    const error = await client.send(tasksV1.RetryTaskCommand, { actor: staff, taskId }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConflictError);
    expect((error as Error).message).toMatch(/instance.migrate is not idempotent/);
  });
});

function startWorkerProcess(env: Record<string, string> = {}) {
  const proc = fork(fileURLToPath(new URL('./test-fixtures/worker-process.ts', import.meta.url)), [], {
    execArgv: ['--import', 'tsx'],
    env: {
      ...process.env,
      NATS_URL: nats.url,
      PREFIX: nats.prefix,
      TEMPORAL_ADDRESS: temporal.address,
      TASK_QUEUE: taskQueue,
      HYPERVISOR_URL: sim.url,
      ...env,
    },
    stdio: 'ignore',
  });
  return new Promise<ChildProcess>((resolve, reject) => {
    proc.once('message', () => resolve(proc));
    proc.once('exit', (code) => reject(new Error(`worker exited with ${code}`)));
  });
}

async function stepCalls(taskId: string) {
  const body = (await (await fetch(`${sim.url}/_sim/calls`)).json()) as { calls: { taskId: string; step: string }[] };
  return body.calls.filter((c) => c.taskId === taskId);
}

describe('worker killed mid-deploy', () => {
  let child: ChildProcess | undefined;
  afterAll(() => void child?.kill('SIGKILL'));

  it('finishes the same task when a worker starts again, without repeating completed steps’ events', async () => {
    await stopWorker();
    await fetch(`${sim.url}/_sim/faults`, { method: 'POST', body: JSON.stringify({ hypervisorId: 'hv-kill', mode: 'slow' }) });
    child = await startWorkerProcess();
    const taskId = await createTask('instance.deploy', 'hv-kill', { stepTimeoutMs: 60_000 });
    // Kill it once the third step's call has reached the hypervisor: only then has
    // Temporal recorded the first two as completed (their log lines are published
    // inside the activity, a moment before the activity's result is).
    for (let i = 0; i < 400 && !(await stepCalls(taskId)).some((c) => c.step === 'image.write'); i++) await sleep(50);
    expect(await lines(taskId)).toEqual(['DHCP lease assigned', 'disk attached']);
    child.kill('SIGKILL');
    await fetch(`${sim.url}/_sim/faults`, { method: 'DELETE' });

    child = await startWorkerProcess();
    await until(taskId, 'completed', 90_000);
    const logged = (await lines(taskId)).filter((l) => l !== 'waiting for hypervisor response');
    expect(logged).toEqual(['DHCP lease assigned', 'disk attached', 'OS image written', 'OS booted', 'network verified']);
    const calls = await stepCalls(taskId);
    // Completed steps were not run again; only the one in flight at the kill was.
    expect(calls.filter((c) => c.step === 'dhcp.lease')).toHaveLength(1);
    expect(calls.filter((c) => c.step === 'disk.attach')).toHaveLength(1);
  });
});

describe('worker status: busy or gone', () => {
  let child: ChildProcess | undefined;
  afterAll(() => void child?.kill('SIGKILL'));

  it('a worker whose every slot is taken is busy, not gone; killed, it is gone', async () => {
    await stopWorker();
    const workers = describeWorkersHandler({
      client: temporal.client,
      namespace: 'default',
      taskQueue,
      pollFreshMs: 1_500,
      heartbeatFreshMs: 3_000,
    });
    const activityStatus = async () =>
      (await workers.handle({ actor: staff } as never, { subject: '', traceparent: undefined })).queues!.find((q) => q.kind === 'activity')!
        .status;

    child = await startWorkerProcess({ MAX_ACTIVITIES: '1' });
    await fetch(`${sim.url}/_sim/faults`, {
      method: 'POST',
      body: JSON.stringify({ hypervisorId: 'hv-busy', step: 'dhcp.lease', mode: 'hang' }),
    });
    try {
      const taskId = await createTask('instance.deploy', 'hv-busy', { stepTimeoutMs: 60_000 });
      await until(taskId, 'running');
      // Its one activity slot is held by a step the agent never answers: no more polls, but heartbeats.
      await expect.poll(activityStatus, { timeout: 15_000, interval: 500 }).toBe('busy');
      child!.kill('SIGKILL');
      await expect.poll(activityStatus, { timeout: 20_000, interval: 500 }).toBe('gone');
    } finally {
      await fetch(`${sim.url}/_sim/faults`, { method: 'DELETE' });
    }
  });
});
