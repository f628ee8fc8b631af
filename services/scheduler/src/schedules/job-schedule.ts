import { type Client, type ScheduleOptionsStartWorkflowAction, ScheduleAlreadyRunning, ScheduleNotFoundError } from '@temporalio/client';
import { nextRuns } from '../domain/cron';
import { jobToken } from '../domain/refs';
import { runJob, type RunJobInput } from '../workflows/run-job.workflow';

/**
 * One Temporal Schedule per job: Temporal owns *when* (no home-made cron
 * loop), the job registry owns *what*. The schedule is derived entirely from
 * the job's state on the stream, so writing it again is harmless: the
 * dispatcher writes it after each event that changes it, and the start-up
 * reconcile writes it when Temporal lost it or the code changed its shape.
 */
export interface DesiredSchedule {
  jobId: string;
  cron: string;
  timezone: string;
  paused: boolean;
  note: string;
  allowOverlap: boolean;
  maxRunSeconds: number;
}

export interface ScheduleSettings {
  client: Client;
  /** The scheduler's task queue: where the runs' workflows go. */
  taskQueue: string;
  /** Stream prefix: tests (and a shared dev Temporal) never see each other's schedules. */
  prefix: string;
}

/** Bumped when the way a schedule is built changes, so every start-up reconcile rewrites them once. */
const SHAPE = 1;
/** A run that cannot finish (its bookkeeping retrying forever) must not hold a no-overlap schedule for ever. */
const WORKFLOW_MARGIN_SECONDS = 600;

export const scheduleIdOf = (prefix: string, jobId: string) => `${prefix ? `${prefix}-` : ''}job-${jobToken(jobId)}`;

/** Temporal appends the scheduled time to a scheduled run's workflow id: `job-billing_hourly-charge-run-2026-11-23T08:30:00Z`. */
export const scheduledWorkflowIdOf = (prefix: string, jobId: string) => `${scheduleIdOf(prefix, jobId)}-run`;

/** A Run now request's workflow: one per request, so a replayed request meets its own id. */
export const manualWorkflowIdOf = (prefix: string, jobId: string, requestId: string) => `${scheduleIdOf(prefix, jobId)}-now-${requestId}`;

/**
 * How late a missed run (Temporal was down at its time) may still start:
 * half the gap between two runs, between one minute and one hour. Later
 * than that, the next regular run is nearer than the missed one, and a
 * nightly job should not fire at midday after a long outage; the console's
 * overdue flag shows the miss and Run now fills it.
 */
export function catchupWindowMs(cron: string, timezone: string): number {
  // From a fixed date, so the same schedule always gets the same window (and the same fingerprint).
  const runs = nextRuns(cron, timezone, new Date('2026-01-05T00:00:00Z'), 6);
  const gaps = runs.slice(1).map((run, i) => run.getTime() - runs[i]!.getTime());
  const gap = gaps.length > 0 ? Math.min(...gaps) : 3_600_000;
  return Math.min(3_600_000, Math.max(60_000, Math.floor(gap / 2)));
}

/**
 * A job that must not overlap skips a tick that falls while its previous run
 * is still going (SKIP): every job here does what is due *now* (the last
 * complete hour, the stuck tasks of the moment), so the next tick covers the
 * skipped one and a buffered extra run would only repeat it. One that may
 * overlap starts every tick (ALLOW_ALL).
 */
export const overlapOf = (allowOverlap: boolean) => (allowOverlap ? ('ALLOW_ALL' as const) : ('SKIP' as const));

function scheduleParts(settings: ScheduleSettings, desired: DesiredSchedule) {
  const policies = { overlap: overlapOf(desired.allowOverlap), catchupWindow: catchupWindowMs(desired.cron, desired.timezone) };
  const spec = { cronExpressions: [desired.cron], timezone: desired.timezone };
  const args: [RunJobInput] = [{ jobId: desired.jobId }];
  const fingerprint = JSON.stringify({ SHAPE, spec, policies, taskQueue: settings.taskQueue, args, max: desired.maxRunSeconds });
  const action: ScheduleOptionsStartWorkflowAction<typeof runJob> = {
    type: 'startWorkflow',
    workflowType: runJob,
    workflowId: scheduledWorkflowIdOf(settings.prefix, desired.jobId),
    taskQueue: settings.taskQueue,
    args,
    workflowExecutionTimeout: `${desired.maxRunSeconds + WORKFLOW_MARGIN_SECONDS} seconds`,
    // What this schedule was built from: compared at start, so an unchanged schedule costs one describe.
    memo: { opsledgerSchedule: fingerprint },
  };
  const state = { paused: desired.paused, note: desired.note };
  return { policies, spec, action, state, fingerprint };
}

/** Creates the job's schedule, or brings the existing one in line; never a second schedule for a job. */
export async function upsertSchedule(settings: ScheduleSettings, desired: DesiredSchedule): Promise<'created' | 'updated' | 'unchanged'> {
  const scheduleId = scheduleIdOf(settings.prefix, desired.jobId);
  const { policies, spec, action, state, fingerprint } = scheduleParts(settings, desired);
  const handle = settings.client.schedule.getHandle(scheduleId);
  try {
    const current = await handle.describe();
    if (current.action.memo?.opsledgerSchedule === fingerprint && current.state.paused === desired.paused) return 'unchanged';
  } catch (error) {
    if (!(error instanceof ScheduleNotFoundError)) throw error;
    try {
      await settings.client.schedule.create({ scheduleId, spec, action, policies, state });
      return 'created';
    } catch (raced) {
      // Created by the other writer in between (dispatcher vs reconcile): update it below.
      if (!(raced instanceof ScheduleAlreadyRunning)) throw raced;
    }
  }
  await handle.update((previous) => ({ ...previous, spec, action, policies, state: { ...previous.state, ...state } }));
  return 'updated';
}

/** Removes the schedule of a job the registry no longer has. */
export async function deleteSchedule(settings: ScheduleSettings, jobId: string): Promise<boolean> {
  try {
    await settings.client.schedule.getHandle(scheduleIdOf(settings.prefix, jobId)).delete();
    return true;
  } catch (error) {
    if (error instanceof ScheduleNotFoundError) return false;
    throw error;
  }
}
