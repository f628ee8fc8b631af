// Runs of real jobs through the running scheduler service (in-process, as
// main.ts boots it) against a Temporal dev server, NATS and PostgreSQL: Run
// now, what a run records, the daily snapshot against the real tasks service,
// and commands refused at the boundary.
import { create } from '@bufbuild/protobuf';
import { timestampDate, timestampFromDate } from '@bufbuild/protobuf/wkt';
import { ActorKind, auditV1, CONTEXTS, eventRegistry, schedulerV1, streamName, tasksV1 } from '@opsledger/contracts';
import { contextSchema } from '@opsledger/db';
import { decodeEvent, ensureEventStream } from '@opsledger/eventstore';
import { ConflictError, NotFoundError, ValidationError } from '@opsledger/messaging';
import { freePort, ServiceProcess, testEnv } from '@opsledger/testing';
import { sql } from 'kysely';
import { setTimeout as sleep } from 'node:timers/promises';
import { v7 as uuidv7 } from 'uuid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dailySnapshotJob } from './activities/jobs/daily-snapshot.job';
import { lastCompleteHour } from './domain/billing-hour';
import { billingHourRef } from './domain/refs';
import { createSchedulerHarness, registryAnd, type SchedulerHarness } from './test-fixtures/scheduler-harness';

const { RunResult: R, RunTrigger: T } = schedulerV1;
const staff = { userId: 'admin-1', kind: ActorKind.STAFF };
const started = Date.now();

let h: SchedulerHarness;
let tasks: ServiceProcess;
let audit: ServiceProcess;

/** A job that works until it is cut off at its maximum run time (3 s). */
const slowJob = () => ({
  declaration: {
    id: 'test.slow',
    title: 'Slow test job',
    command: 'sleep forever',
    description: 'Prints, then waits to be cut off.',
    cron: '0 0 1 1 *',
    timezone: 'UTC',
    maxRunSeconds: 3,
    allowOverlap: false,
  },
  async run(io: { print(line: string): void; signal: AbortSignal }) {
    io.print('working on it');
    await new Promise((_, reject) => io.signal.addEventListener('abort', () => reject(io.signal.reason as Error)));
  },
});

beforeAll(async () => {
  h = await createSchedulerHarness({ jobs: registryAnd(slowJob) });
  await ensureEventStream(h.nats.jsm, 'tasks', { prefix: h.nats.prefix });
  // The real tasks service answers CreateTask (its worker off: snapshot tasks stay pending, which is all this test needs).
  const port = await freePort();
  tasks = ServiceProcess.start('tasks', 'services/tasks/src/main.ts', {
    DATABASE_URL: testEnv.databaseUrl,
    NATS_URL: h.nats.url,
    OPSLEDGER_PREFIX: h.nats.prefix,
    TEMPORAL_ADDRESS: h.temporal.address,
    TASKS_PORT: String(port),
    TASKS_RUN_WORKER: 'false',
  });
  // The real audit service answers PruneAuditLog (and records the Run now as an entry).
  for (const context of CONTEXTS) await ensureEventStream(h.nats.jsm, context, { prefix: h.nats.prefix });
  const auditPort = await freePort();
  audit = ServiceProcess.start('audit', 'services/audit/src/main.ts', {
    DATABASE_URL: testEnv.databaseUrl,
    NATS_URL: h.nats.url,
    OPSLEDGER_PREFIX: h.nats.prefix,
    AUDIT_PORT: String(auditPort),
  });
  await Promise.all([
    h.boot(),
    tasks.waitReady(`http://127.0.0.1:${port}/readyz`),
    audit.waitReady(`http://127.0.0.1:${auditPort}/readyz`),
  ]);
});
afterAll(async () => {
  await tasks?.stop();
  await audit?.stop();
  if (h) await sql`drop schema if exists ${sql.id(contextSchema('audit_service', h.nats.prefix))} cascade`.execute(h.pg.db);
  await h?.dispose();
  console.log(`runs.int.spec.ts: ${((Date.now() - started) / 1000).toFixed(1)} s including set-up`);
});

const runNow = async (jobId: string) => (await h.client.send(schedulerV1.RunJobNowCommand, { actor: staff, jobId })).requestId;

describe('Run now', () => {
  it('billing.hourly-charge: a manual run carrying the request, its output and result; a second run finds the hour requested', async () => {
    // Its schedule fires every two minutes: paused, so the hour is (almost always) requested by the manual run.
    await h.client.send(schedulerV1.PauseJobCommand, { actor: staff, jobId: 'billing.hourly-charge', note: 'run by hand in this test' });
    const requestId = await runNow('billing.hourly-charge');
    const first = await h.finishedRun('billing.hourly-charge', (r) => r.started.requestId === requestId);
    expect(first.started).toMatchObject({ jobId: 'billing.hourly-charge', trigger: T.MANUAL, requestId });
    expect(first.started.workflowId).toBe(`${h.nats.prefix}-job-billing_hourly-charge-now-${requestId}`);
    const [request] = (await h.events('job.billing_hourly-charge')).filter((e) => e.type.endsWith('JobRunRequested'));
    // A manual run was meant for when it was asked for.
    expect(timestampDate(first.started.scheduledAt!)).toEqual(timestampDate((request!.data as schedulerV1.JobRunRequested).requestedAt!));

    const { hour } = lastCompleteHour(timestampDate(first.started.scheduledAt!));
    expect(first.finished).toMatchObject({ result: R.SUCCEEDED, outputTruncated: false, detail: '' });
    expect(first.finished.output).toMatch(new RegExp(`last complete hour: ${hour}:00 UTC`));
    expect(first.finished.durationMs).toBeGreaterThan(0);
    const charges = await h.store.read(billingHourRef(hour));
    expect(charges).toHaveLength(1);
    expect(charges[0]!.actor).toEqual({ kind: 'system', id: 'scheduler' });
    const chargedBy = (charges[0]!.data as schedulerV1.HourlyChargeRequested).runId;
    if (chargedBy === first.started.runId) {
      expect(first.finished.output).toMatch(new RegExp(`charge requested for ${hour}: HourlyChargeRequested appended`));
    } else {
      // A scheduled run fired between the service's start and the pause: it requested the hour, and the manual run said so.
      const earlier = (await h.runs('billing.hourly-charge')).find((r) => r.started.runId === chargedBy);
      expect(earlier?.started.trigger).toBe(T.SCHEDULE);
      expect(first.finished.output).toMatch(new RegExp(`already requested: ${hour} was requested by run ${chargedBy}`));
    }

    const again = await runNow('billing.hourly-charge');
    const second = await h.finishedRun('billing.hourly-charge', (r) => r.started.requestId === again);
    expect(second.finished.result).toBe(R.SUCCEEDED);
    // (Unless the clock crossed an hour between the two runs, in which case each hour is requested once.)
    if (lastCompleteHour(timestampDate(second.started.scheduledAt!)).hour === hour)
      expect(second.finished.output).toMatch(new RegExp(`already requested: ${hour} was requested by run ${chargedBy}`));
    expect((await h.store.read(billingHourRef(hour))).map((e) => (e.data as schedulerV1.HourlyChargeRequested).runId)).toEqual([chargedBy]);
  });

  it('provisioning.prune with no provisioning service answering: FAILED, with what it printed and why', async () => {
    const requestId = await runNow('provisioning.prune');
    const run = await h.finishedRun('provisioning.prune', (r) => r.started.requestId === requestId);
    expect(run.finished.result).toBe(R.FAILED);
    expect(run.finished.detail).toBe(`no provisioning service is answering ${h.nats.prefix}.cmd.provisioning.prune-log`);
    expect(run.finished.output).toMatch(/asking the provisioning service to prune Provisioning Log entries older than 90 days\n/);
    expect(run.finished.output).toMatch(/failed: no provisioning service is answering/);
  });

  it('audit.retention asks the real audit service to prune: SUCCEEDED, nothing older than a year; the Run now is itself an audit entry', async () => {
    const requestId = await runNow('audit.retention');
    const run = await h.finishedRun('audit.retention', (r) => r.started.requestId === requestId);
    expect(run.finished.result).toBe(R.SUCCEEDED);
    expect(run.finished.output).toMatch(/asking the audit service to remove Audit Log entries older than Settings → Retention keeps\n/);
    expect(run.finished.output).toMatch(/nothing older than the retention period/);
    const deadline = Date.now() + 20_000;
    let entries: auditV1.AuditEntryRecorded[] = [];
    while (Date.now() < deadline) {
      entries = (await h.store.read({ context: 'audit', type: 'chain', id: 'main' }))
        .map((e) => e.data as auditV1.AuditEntryRecorded)
        .filter((e) => e.action === 'job.run-now' && e.resourceId === 'audit.retention');
      if (entries.length > 0) break;
      await sleep(100);
    }
    expect(entries).toEqual([expect.objectContaining({ resourceType: 'job', actor: expect.objectContaining({ userId: staff.userId }) })]);
  });

  it('a job past its maximum run time is cut off: TIMED_OUT, with the output it had printed', async () => {
    const requestId = await runNow('test.slow');
    const run = await h.finishedRun('test.slow', (r) => r.started.requestId === requestId, 30_000);
    expect(run.finished).toMatchObject({ result: R.TIMED_OUT, detail: "cut off after 3 s, the job's maximum run time" });
    expect(run.finished.output).toMatch(/^\d\d:\d\d:\d\d working on it$/);
    expect(run.finished.durationMs).toBeGreaterThanOrEqual(3_000);
  });
});

describe('commands refused at the boundary', () => {
  it('a bad cron is a validation error naming cron and saying why; a bad zone names timezone', async () => {
    const error = await h.client
      .send(schedulerV1.ChangeJobScheduleCommand, { actor: staff, jobId: 'billing.hourly-charge', cron: '61 * * * *', timezone: 'utc' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).violations).toEqual([
      { field: 'cron', rule: 'custom', message: 'is not a valid cron expression: minutes part must be >= 0 and <= 59' },
      {
        field: 'timezone',
        rule: 'custom',
        message: '"utc" is not an IANA time zone; use a name like UTC, Europe/Berlin or America/New_York',
      },
    ]);
    const fourFields = (await h.client
      .send(schedulerV1.ChangeJobScheduleCommand, { actor: staff, jobId: 'billing.hourly-charge', cron: '0 2 * *' })
      .catch((e: unknown) => e)) as ValidationError;
    expect(fourFields.violations).toEqual([
      { field: 'cron', rule: 'custom', message: expect.stringContaining('must have five fields') as string },
    ]);
  });

  it('an unknown job is 404; pausing a paused job and resuming a running one are 409 with the rule', async () => {
    await expect(h.client.send(schedulerV1.RunJobNowCommand, { actor: staff, jobId: 'no.such-job' })).rejects.toThrow(NotFoundError);
    await expect(h.client.send(schedulerV1.PauseJobCommand, { actor: staff, jobId: 'no.such-job' })).rejects.toThrow(
      /no job "no.such-job"/,
    );
    await expect(h.client.send(schedulerV1.ResumeJobCommand, { actor: staff, jobId: 'test.slow', note: '' })).rejects.toThrow(
      ConflictError,
    );
    await h.client.send(schedulerV1.PauseJobCommand, { actor: staff, jobId: 'test.slow', note: 'first' });
    const twice = await h.client
      .send(schedulerV1.PauseJobCommand, { actor: staff, jobId: 'test.slow', note: 'again' })
      .catch((e: unknown) => e);
    expect(twice).toBeInstanceOf(ConflictError);
    expect((twice as Error).message).toBe('test.slow is already paused (“first”); resume it first');
  });

  it('a schedule edit reaches the Temporal schedule (read in its zone)', async () => {
    await h.client.send(schedulerV1.ChangeJobScheduleCommand, {
      actor: staff,
      jobId: 'provisioning.prune',
      cron: '0 4 * * *',
      timezone: 'Europe/Berlin',
    });
    const handle = h.temporal.client.schedule.getHandle(`${h.nats.prefix}-job-provisioning_prune`);
    for (let i = 0; i < 100; i++) {
      const next = (await handle.describe()).info.nextActionTimes[0];
      // 04:00 in Berlin is 03:00 UTC in winter, 02:00 in summer.
      if (next && [2, 3].includes(next.getUTCHours()) && next.getUTCMinutes() === 0) return;
      await sleep(100);
    }
    throw new Error('the schedule did not follow the edit');
  });

  it('every expression and zone the validation accepts, Temporal accepts too', async () => {
    const accepted = ['*/2 * * * *', '0 2 * * MON-FRI', '0 2 1,15 * *', '0 2 * jan sun', '1-5/2 * * * *', '0 2 * * 7', '0 0 29 2 *'];
    const zones = ['UTC', 'Europe/Berlin', 'Asia/Kolkata', 'Europe/Kyiv', 'America/Argentina/Buenos_Aires', 'Etc/GMT+2'];
    let n = 0;
    for (const [cron, timezone] of [...accepted.map((c) => [c, 'UTC']), ...zones.map((z) => ['0 2 * * *', z])] as [string, string][]) {
      const handle = await h.temporal.client.schedule.create({
        scheduleId: `probe-${h.nats.prefix}-${++n}`,
        spec: { cronExpressions: [cron], timezone },
        action: { type: 'startWorkflow', workflowType: 'runJob', taskQueue: 'nobody', args: [] },
        state: { paused: true },
      });
      expect((await handle.describe()).info.nextActionTimes.length, `${cron} in ${timezone}`).toBeGreaterThan(0);
      await handle.delete();
    }
  });
});

describe('tasks.stuck-sweep against the tasks service', () => {
  it('asks the tasks service to sweep and prints what it found', async () => {
    const requestId = await runNow('tasks.stuck-sweep');
    const run = await h.finishedRun('tasks.stuck-sweep', (r) => r.started.requestId === requestId);
    expect(run.finished.result, run.finished.output).toBe(R.SUCCEEDED);
    expect(run.finished.output).toMatch(/^\d\d:\d\d:\d\d 0 task\(s\) running; 0 newly flagged as stuck$/);
  });
});

describe('instance.daily-snapshot against the tasks service', () => {
  const ctx = { actor: { kind: 'system' as const, id: 'tasks-worker' }, source: 'system' as const };
  /** A deploy task as the tasks service records one: created (with its params), started, and completed unless told otherwise. */
  async function deploy(instanceId: string, params: Record<string, string>, complete = true) {
    const taskId = uuidv7();
    const at = timestampFromDate(new Date());
    const events = [
      create(tasksV1.TaskCreatedSchema, {
        taskId,
        type: 'instance.deploy',
        target: { userId: `user-${instanceId}`, hypervisorId: 'hv-7', instanceId },
        params,
        createdAt: at,
        attempt: 1,
      }),
      create(tasksV1.TaskStartedSchema, { taskId, startedAt: at, workflowId: `task-${taskId}-1`, runId: 'r' }),
      ...(complete ? [create(tasksV1.TaskCompletedSchema, { taskId, completedAt: at })] : []),
    ];
    await h.store.append(
      { context: 'tasks', type: 'task', id: taskId },
      events.map((data) => ({ id: uuidv7(), data, occurredAt: new Date() })),
      0,
      ctx,
    );
  }
  async function snapshotTasks() {
    const consumer = await h.nats.js.consumers.get(streamName('tasks', h.nats.prefix), {
      filter_subjects: `${h.nats.prefix}.evt.tasks.task.>`,
    });
    const out: tasksV1.TaskCreated[] = [];
    try {
      const batch = await consumer.fetch({ max_messages: 10_000, expires: 2_000 });
      for await (const m of batch) {
        const data = decodeEvent(eventRegistry, m).data as tasksV1.TaskEvent;
        if (data.$typeName === 'platform.tasks.v1.TaskCreated' && data.type === 'instance.snapshot') out.push(data);
        if (m.info.pending === 0) break;
      }
    } finally {
      await consumer.delete().catch(() => undefined);
    }
    return out;
  }
  const perInstance = (created: tasksV1.TaskCreated[], runId: string) => {
    const counts: Record<string, number> = {};
    for (const t of created)
      if ((t.params as Record<string, unknown>).schedulerRunId === runId)
        counts[t.target!.instanceId] = (counts[t.target!.instanceId] ?? 0) + 1;
    return counts;
  };
  async function setBackup(instanceId: string, daily: boolean) {
    // 404 until the lookup has seen the deploy complete.
    for (let i = 0; ; i++) {
      try {
        return await h.client.send(schedulerV1.SetInstanceBackupCommand, { actor: staff, instanceId, daily });
      } catch (error) {
        if (!(error instanceof NotFoundError) || i > 100) throw error;
        await sleep(100);
      }
    }
  }

  it('creates exactly one instance.snapshot task per instance whose daily backup is on', async () => {
    await deploy('vm-daily-1', { backup: 'daily' });
    await deploy('vm-daily-2', { backup: 'daily', image: 'debian-13' });
    await deploy('vm-plain', {});
    await deploy('vm-switched-off', { backup: 'daily' });
    await deploy('vm-switched-on', { backup: 'none' });
    await deploy('vm-still-deploying', { backup: 'daily' }, false);
    await setBackup('vm-switched-off', false);
    await setBackup('vm-switched-on', true);
    // Switching to what it already is changes nothing (and is not refused).
    expect(await setBackup('vm-daily-1', true)).toMatchObject({ instanceId: 'vm-daily-1', daily: true });
    expect((await h.events('instance.>')).map((e) => e.aggregateId).sort()).toEqual(['vm-switched-off', 'vm-switched-on']);
    await expect(
      h.client.send(schedulerV1.SetInstanceBackupCommand, { actor: staff, instanceId: 'vm-still-deploying', daily: false }),
    ).rejects.toThrow(/vm-still-deploying is not known: no deploy of it has completed/);

    const requestId = await runNow('instance.daily-snapshot');
    const run = await h.finishedRun('instance.daily-snapshot', (r) => r.started.requestId === requestId);
    expect(run.finished.result, run.finished.output).toBe(R.SUCCEEDED);
    expect(run.finished.output).toMatch(/3 instance\(s\) with daily backup on/);
    expect(run.finished.output).toMatch(/vm-daily-1 \(hypervisor hv-7, user user-vm-daily-1\): snapshot task [0-9a-f-]{36} created/);
    expect(run.finished.output).toMatch(/3 snapshot task\(s\) created, 0 already done, 0 failed/);

    const created = await snapshotTasks();
    expect(perInstance(created, run.started.runId)).toEqual({ 'vm-daily-1': 1, 'vm-daily-2': 1, 'vm-switched-on': 1 });
    expect(created[0]!.target).toMatchObject({ hypervisorId: 'hv-7' });

    // A retried attempt of the same run (its worker lost, its heartbeat gone with it) creates nothing more.
    const lines: string[] = [];
    await dailySnapshotJob(h.deps())({
      runId: run.started.runId,
      jobId: 'instance.daily-snapshot',
      scheduledAt: new Date(),
      manual: true,
      attempt: 2,
      print: (line) => lines.push(line),
      progress: undefined,
      saveProgress: () => undefined,
      signal: new AbortController().signal,
    });
    expect(lines).toContain('attempt 2: 3 snapshot task(s) already created by this run');
    expect(lines).toContain('0 snapshot task(s) created, 3 already done, 0 failed');
    expect(perInstance(await snapshotTasks(), run.started.runId)).toEqual({ 'vm-daily-1': 1, 'vm-daily-2': 1, 'vm-switched-on': 1 });

    // The next run is a run of its own: one more each.
    const next = await runNow('instance.daily-snapshot');
    const second = await h.finishedRun('instance.daily-snapshot', (r) => r.started.requestId === next);
    expect(perInstance(await snapshotTasks(), second.started.runId)).toEqual({ 'vm-daily-1': 1, 'vm-daily-2': 1, 'vm-switched-on': 1 });
    expect((await snapshotTasks()).length).toBe(6);
  });
});
