// The Scheduler read side on its own: scheduler events appended as the
// service appends them, read back through the gateway's API. Health comes
// from the facts (registration, due times, runs, pauses) at the moment of
// reading, so a schedule that silently stopped is impossible to miss.
import { create, type DescMessage, type MessageInitShape } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { eventRegistry, schedulerV1 } from '@opsledger/contracts';
import { EventStore } from '@opsledger/eventstore';
import { createTestDatabase, createTestNats, type TestDatabase, type TestNats } from '@opsledger/testing';
import { setTimeout as sleep } from 'node:timers/promises';
import { v7 as uuidv7 } from 'uuid';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { dropContextSchemas, identityDb, seedAccounts, signIn, startTestGateway } from '../test-support/test-gateway';

const GRACE_SECONDS = 2;
let pg: TestDatabase;
let nats: TestNats;
let store: EventStore;
let gateway: Awaited<ReturnType<typeof startTestGateway>>;
let admin = '';
let customer = '';

beforeAll(async () => {
  pg = await createTestDatabase();
  nats = await createTestNats();
  store = new EventStore(nats.js, nats.jsm, eventRegistry, nats.prefix);
  gateway = await startTestGateway(pg, nats, { SCHEDULER_OVERDUE_GRACE_SECONDS: String(GRACE_SECONDS) });
  const accounts = await seedAccounts(await identityDb(pg, nats.prefix));
  admin = (await signIn(gateway.url, accounts.admin.email, accounts.password)).cookie;
  customer = (await signIn(gateway.url, accounts.alice.email, accounts.password)).cookie;
});
afterAll(async () => {
  await gateway?.close();
  await dropContextSchemas(pg, nats.prefix);
  await nats?.dispose();
  await pg?.dispose();
});

const ctx = { actor: { kind: 'system' as const, id: 'scheduler' }, source: 'system' as const };
async function append<D extends DescMessage>(type: 'job' | 'run', id: string, schema: D, data: MessageInitShape<D>, at = new Date()) {
  // Job ids have dots; a subject token may not (the service maps them the same way).
  const ref = { context: 'scheduler' as const, type, id: id.replaceAll('.', '_') };
  const { version } = await store.read(ref).then((events) => ({ version: events.at(-1)?.streamSeq ?? 0 }));
  await store.append(ref, [{ id: uuidv7(), data: create(schema, data), occurredAt: at }], version, ctx);
}
const ts = (d: Date) => timestampFromDate(d);
const register = (jobId: string, cron: string, registeredAt: Date, maxRunSeconds = 600) =>
  append('job', jobId, schedulerV1.JobRegisteredSchema, {
    jobId,
    title: jobId,
    command: `run ${jobId}`,
    description: `does ${jobId}`,
    cron,
    timezone: 'UTC',
    defaultCron: cron,
    defaultTimezone: 'UTC',
    maxRunSeconds,
    allowOverlap: false,
    registeredAt: ts(registeredAt),
  });
const started = (jobId: string, runId: string, at: Date, trigger = schedulerV1.RunTrigger.SCHEDULE) =>
  append('run', runId, schedulerV1.JobRunStartedSchema, {
    runId,
    jobId,
    trigger,
    scheduledAt: ts(at),
    startedAt: ts(at),
    workflowId: `wf-${runId}`,
  });
const finished = (jobId: string, runId: string, at: Date, result: schedulerV1.RunResult, output: string) =>
  append('run', runId, schedulerV1.JobRunFinishedSchema, {
    runId,
    jobId,
    result,
    durationMs: 1234,
    output,
    outputTruncated: false,
    detail: result === schedulerV1.RunResult.SUCCEEDED ? '' : 'it broke',
    finishedAt: ts(at),
  });

const get = async (path: string, cookie = admin) => {
  const res = await fetch(`${gateway.url}${path}`, { headers: { cookie } });
  return { status: res.status, body: (await res.json()) as any };
};
async function until<T>(read: () => Promise<T>, ok: (value: T) => boolean, ms = 15_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await read();
    if (ok(value) || Date.now() > deadline) return value;
    await sleep(50);
  }
}

it('lists each job with its plain-English schedule, next run and health computed from the facts', async () => {
  const minute = 60_000;
  // healthy.job (every two minutes) ran 5 s ago: its next boundary must be well ahead of the reads below, or it
  // is rightly overdue (seen in CI near an even minute). Start between 10 s and 80 s into a two-minute cycle.
  const intoCycle = Date.now() % (2 * minute);
  if (intoCycle < 10_000 || intoCycle > 80_000) await sleep((2 * minute - intoCycle + 10_000) % (2 * minute));
  const now = Date.now();
  // Registered an hour ago, due every minute, never ran: the silent scheduler.
  await register('silent.job', '* * * * *', new Date(now - 60 * minute));
  // Ran on schedule a moment ago and succeeded; next due in the future.
  await register('healthy.job', '*/2 * * * *', new Date(now - 60 * minute));
  await started('healthy.job', 'run-h1', new Date(now - 5_000));
  await finished('healthy.job', 'run-h1', new Date(now - 4_000), schedulerV1.RunResult.SUCCEEDED, 'requested 2026-11-23T07\n');
  // Ran, then the schedule stopped firing: overdue.
  await register('stopped.job', '* * * * *', new Date(now - 60 * minute));
  await started('stopped.job', 'run-s1', new Date(now - 30 * minute));
  await finished('stopped.job', 'run-s1', new Date(now - 30 * minute + 1_000), schedulerV1.RunResult.SUCCEEDED, 'ok\n');
  // Its last run failed, on time.
  await register('failing.job', '0 2 * * *', new Date(now - 5_000));
  await started('failing.job', 'run-f1', new Date(now - 3_000), schedulerV1.RunTrigger.MANUAL);
  await finished('failing.job', 'run-f1', new Date(now - 2_000), schedulerV1.RunResult.FAILED, 'line one\nline two\n');
  // Still running, past its one-second budget.
  await register('stuck.job', '0 3 * * *', new Date(now - 5_000), 1);
  await started('stuck.job', 'run-x1', new Date(now - 4_000), schedulerV1.RunTrigger.MANUAL);
  // Paused: no next run, and its overdue past does not count.
  await register('paused.job', '* * * * *', new Date(now - 60 * minute));
  await append('job', 'paused.job', schedulerV1.JobPausedSchema, { jobId: 'paused.job', note: 'maintenance', pausedAt: ts(new Date()) });

  const { body: rows } = await until(
    () => get('/api/schedules?range=[0,49]'),
    (r) => r.body.length === 6 && r.body.some((j: any) => j.paused),
  );
  const byId = Object.fromEntries(rows.map((r: any) => [r.id, r]));
  expect(Object.fromEntries(rows.map((r: any) => [r.id, r.health]))).toEqual({
    'failing.job': 'last_run_failed',
    'healthy.job': 'ok',
    'paused.job': 'paused',
    'silent.job': 'never_ran',
    'stopped.job': 'overdue',
    'stuck.job': 'running_too_long',
  });
  expect(byId['healthy.job']).toMatchObject({
    schedule: 'Every 2 minutes, UTC',
    cron: '*/2 * * * *',
    timezone: 'UTC',
    lastRun: { result: 'succeeded' },
  });
  expect(byId['failing.job']).toMatchObject({ schedule: 'At 02:00, UTC', lastRun: { id: 'run-f1', result: 'failed', durationMs: 1234 } });
  expect(byId['stuck.job'].lastRun).toMatchObject({ result: 'running' });
  expect(byId['paused.job']).toMatchObject({ paused: true, pauseNote: 'maintenance', nextRunAt: null });
  expect(new Date(byId['healthy.job'].nextRunAt).getTime()).toBeGreaterThan(now);
  expect(byId['silent.job'].lastRun).toBeNull();

  // Health is a filter.
  expect((await get('/api/schedules?filter={"health":"overdue"}')).body.map((r: any) => r.id)).toEqual(['stopped.job']);
  expect((await get('/api/schedules?filter={"health":"sideways"}')).status).toBe(400);

  // The show view has the runs, newest first, with their output; a run has its own route.
  const { body: failing } = await get('/api/schedules/failing.job');
  expect(failing.runs).toEqual([
    expect.objectContaining({ id: 'run-f1', trigger: 'manual', result: 'failed', output: 'line one\nline two\n', detail: 'it broke' }),
  ]);
  expect((await get('/api/schedules/failing.job/runs/run-f1')).body).toMatchObject({ output: 'line one\nline two\n' });
  expect((await get('/api/schedules/failing.job/runs/run-h1')).status).toBe(404);
  expect((await get('/api/schedules/no.such.job')).status).toBe(404);

  // Not every job is late, so the runner is not called silent.
  expect((await get('/api/scheduler/status')).body).toMatchObject({
    jobs: 6,
    overdue: 1,
    neverRan: 1,
    paused: 1,
    runnerSilent: false,
    message: null,
  });
  // Staff only.
  expect((await get('/api/schedules', customer)).status).toBe(403);
  expect((await get('/api/scheduler/status', customer)).status).toBe(403);
});

it('says the runner is silent when every active job is late, and a run on schedule clears a job of it', async () => {
  // A fresh prefix's worth of jobs would be cleaner, but the first test's jobs are here too: make every active one late.
  const now = Date.now();
  for (const id of ['healthy.job', 'failing.job', 'stuck.job'])
    await append('job', id, schedulerV1.JobPausedSchema, { jobId: id, note: 'out of the way', pausedAt: ts(new Date(now)) });
  const silent = await until(
    () => get('/api/scheduler/status'),
    (r) => r.body.runnerSilent === true,
  );
  expect(silent.body).toMatchObject({ overdue: 1, neverRan: 1, paused: 4, runnerSilent: true });
  expect(silent.body.message).toMatch(/scheduler service or its Temporal worker is not running/);

  // The silent job finally runs on schedule: it is no longer late (its next due time is in the future).
  await started('silent.job', 'run-late', new Date(now - 1_000));
  const after = await until(
    () => get('/api/schedules/silent.job'),
    (r) => r.body.health !== 'never_ran',
  );
  expect(after.body.health).toBe('ok');
  expect((await get('/api/scheduler/status')).body.runnerSilent).toBe(false);
});
