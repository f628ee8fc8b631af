// The job schedules themselves, on a Temporal dev server: one per job however
// often the service restarts, built as declared, paused from the stream, and
// firing on their own (this file waits for a real minute boundary once).
import { timestampDate } from '@bufbuild/protobuf/wkt';
import { ActorKind, schedulerV1 } from '@opsledger/contracts';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobDeps, ScheduledJob } from './activities/jobs';
import { declaredJobs } from './domain/job-registry';
import { scheduleIdOf } from './schedules/job-schedule';
import { createSchedulerHarness, registryAnd, type SchedulerHarness } from './test-fixtures/scheduler-harness';

const staff = { userId: 'admin-1', kind: ActorKind.STAFF };
const started = Date.now();

/** A job that fires every minute and says so. */
const everyMinute =
  (id: string, title = `Every minute (${id})`) =>
  (): ScheduledJob => ({
    declaration: {
      id,
      title,
      command: 'echo tick',
      description: 'Ticks.',
      cron: '* * * * *',
      timezone: 'UTC',
      maxRunSeconds: 30,
      allowOverlap: false,
    },
    async run(io) {
      io.print('tick');
    },
  });

let h: SchedulerHarness;
/** What the next boot runs: a test swaps it to boot a "new release". */
let release: (deps: JobDeps) => ScheduledJob[] = registryAnd(everyMinute('test.minutely-a'), everyMinute('test.minutely-b'));

beforeAll(async () => {
  h = await createSchedulerHarness({ jobs: (deps) => release(deps) });
  await h.boot();
});
afterAll(async () => {
  await h?.dispose();
  console.log(`schedules.int.spec.ts: ${((Date.now() - started) / 1000).toFixed(1)} s including set-up`);
});

/** Every job of the registry, as the service registers it. */
const REGISTRY = declaredJobs({ provisioningRetentionDays: 90 })
  .map((j) => j.id)
  .sort();
const scheduleId = (jobId: string) => scheduleIdOf(h.nats.prefix, jobId);
const registrations = async () => {
  const counts: Record<string, number> = {};
  for (const e of await h.events('job.>'))
    if (e.type === schedulerV1.JobRegisteredSchema.typeName)
      counts[(e.data as schedulerV1.JobRegistered).jobId] = (counts[(e.data as schedulerV1.JobRegistered).jobId] ?? 0) + 1;
  return counts;
};
/** Temporal's list is eventually consistent: waits until it shows `n` schedules. */
const listed = async (n: number) => {
  for (let i = 0; i < 100; i++) {
    const all = await h.schedules();
    if (all.length === n) return all.map((s) => s.scheduleId);
    await sleep(100);
  }
  return (await h.schedules()).map((s) => s.scheduleId);
};

describe('one Temporal Schedule per job', () => {
  it('each job is registered once and has one schedule, built as declared', async () => {
    const jobs = [...REGISTRY, 'test.minutely-a', 'test.minutely-b'];
    expect(await registrations()).toEqual(Object.fromEntries(jobs.map((j) => [j, 1])));
    expect(await listed(jobs.length)).toEqual(jobs.map(scheduleId).sort());

    const billing = await h.temporal.client.schedule.getHandle(scheduleId('billing.hourly-charge')).describe();
    expect(billing.policies).toMatchObject({ overlap: 'SKIP', catchupWindow: 60_000 });
    expect(billing.spec.timezone).toBe('UTC');
    expect(billing.action).toMatchObject({
      workflowType: 'runJob',
      taskQueue: `${h.nats.prefix}-scheduler`,
      workflowId: `${scheduleId('billing.hourly-charge')}-run`,
      args: [{ jobId: 'billing.hourly-charge' }],
    });
    // Every two minutes, at even minutes.
    const [a, b] = billing.info.nextActionTimes;
    expect(b!.getTime() - a!.getTime()).toBe(120_000);
    expect(a!.getUTCMinutes() % 2).toBe(0);

    const snapshot = await h.temporal.client.schedule.getHandle(scheduleId('instance.daily-snapshot')).describe();
    expect(snapshot.policies).toMatchObject({ overlap: 'SKIP', catchupWindow: 3_600_000 });
    expect(snapshot.info.nextActionTimes[0]!.toISOString()).toMatch(/T02:00:00\.000Z$/);
  });

  it('pausing a job pauses its schedule (from the stream), and a paused job does not run while the others do', async () => {
    await h.client.send(schedulerV1.PauseJobCommand, { actor: staff, jobId: 'test.minutely-a', note: 'maintenance window' });
    const handle = h.temporal.client.schedule.getHandle(scheduleId('test.minutely-a'));
    for (let i = 0; (await handle.describe()).state.paused !== true; i++) {
      if (i > 100) throw new Error('the schedule was not paused');
      await sleep(100);
    }
    expect((await handle.describe()).state).toMatchObject({ paused: true, note: 'maintenance window' });
    const pausedAt = Date.now();

    // The next minute boundary: its twin fires on the schedule, the paused one does not.
    const tick = await h.finishedRun('test.minutely-b', (r) => timestampDate(r.started.scheduledAt!).getTime() > pausedAt, 75_000);
    expect(tick.started).toMatchObject({ trigger: schedulerV1.RunTrigger.SCHEDULE, requestId: '' });
    expect(timestampDate(tick.started.scheduledAt!).getUTCSeconds()).toBe(0);
    expect(tick.started.workflowId).toMatch(new RegExp(`^${scheduleId('test.minutely-b')}-run-`));
    expect(tick.finished).toMatchObject({ result: schedulerV1.RunResult.SUCCEEDED });
    expect(tick.finished.output).toMatch(/^\d\d:\d\d:\d\d tick$/);
    await sleep(2_000);
    // A run Temporal started for a boundary before the pause may still be recorded after it (seen under CI load):
    // only the boundaries after the pause must not run.
    const afterPause = (await h.runs('test.minutely-a')).filter((r) => timestampDate(r.started.scheduledAt!).getTime() > pausedAt);
    expect(afterPause).toEqual([]);

    await h.client.send(schedulerV1.ResumeJobCommand, { actor: staff, jobId: 'test.minutely-a', note: 'done' });
    for (let i = 0; (await handle.describe()).state.paused; i++) {
      if (i > 100) throw new Error('the schedule was not resumed');
      await sleep(100);
    }
  });

  it('a restart adds no registration and no schedule; a schedule Temporal lost is recreated; a dropped job loses its schedule', async () => {
    const before = await registrations();
    await h.stop();
    // Temporal lost one (a fresh dev server, say) while the service was down.
    await h.temporal.client.schedule.getHandle(scheduleId('tasks.stuck-sweep')).delete();
    await h.boot();
    expect(await registrations()).toEqual(before);
    const jobs = [...REGISTRY, 'test.minutely-a', 'test.minutely-b'];
    expect(await listed(jobs.length)).toEqual(jobs.map(scheduleId).sort());
    await h.temporal.client.schedule.getHandle(scheduleId('tasks.stuck-sweep')).describe();

    // A new release: one job's declaration changed, one job gone.
    await h.stop();
    release = registryAnd(everyMinute('test.minutely-a', 'Renamed every-minute job'));
    await h.boot();
    expect(await registrations()).toEqual({ ...before, 'test.minutely-a': 2 });
    expect(await listed(REGISTRY.length + 1)).toEqual([...REGISTRY, 'test.minutely-a'].map(scheduleId).sort());
  });
});
