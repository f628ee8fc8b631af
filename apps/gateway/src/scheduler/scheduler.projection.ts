import { timestampDate } from '@bufbuild/protobuf/wkt';
import { schedulerV1 } from '@opsledger/contracts';
import type { Projection, StoredEvent } from '@opsledger/eventstore';
import type { Transaction } from 'kysely';
import { nextCronTime } from './schedule-timing';
import type { JobUpdate, SchedulerTables } from './scheduler-tables';
import { schedulerMigrations } from './scheduler.migrations';

type SchedulerEvent = schedulerV1.JobEvent | schedulerV1.RunEvent | schedulerV1.HourlyChargeRequested | schedulerV1.InstanceBackupChanged;

const time = (ts: { seconds: bigint; nanos: number } | undefined, fallback: Date) => (ts ? timestampDate(ts as never) : fallback);

/**
 * Jobs and their runs as the Scheduler page shows them. `next_due_at` is the
 * schedule's next owed run, moved forward by every scheduled run, schedule
 * change and resume: a schedule that stops firing leaves it in the past,
 * which the `schedule` view reports as overdue.
 */
export function schedulerProjection(schema: string, graceSeconds: number): Projection<SchedulerTables> {
  return {
    name: 'scheduler',
    context: 'scheduler',
    schema,
    migrations: schedulerMigrations,
    tables: ['job_run', 'job'],
    async apply(trx, events) {
      for (const event of events) await applyOne(trx, event, graceSeconds);
    },
  };
}

async function applyOne(trx: Transaction<SchedulerTables>, event: StoredEvent, graceSeconds: number): Promise<void> {
  const data = event.data as SchedulerEvent;
  const touch = { updated_at: event.occurredAt, version: event.streamSeq };
  const updateJob = (jobId: string, set: JobUpdate) =>
    trx
      .updateTable('job')
      .set({ ...set, ...touch })
      .where('id', '=', jobId)
      .execute();
  const job = (jobId: string) => trx.selectFrom('job').select(['cron', 'timezone']).where('id', '=', jobId).executeTakeFirst();
  switch (data.$typeName) {
    case 'platform.scheduler.v1.JobRegistered': {
      const at = time(data.registeredAt, event.occurredAt);
      const declared = {
        title: data.title,
        command: data.command,
        description: data.description,
        cron: data.cron,
        timezone: data.timezone,
        default_cron: data.defaultCron,
        default_timezone: data.defaultTimezone,
        max_run_seconds: data.maxRunSeconds,
        allow_overlap: data.allowOverlap,
        grace_seconds: graceSeconds,
      };
      const next = nextCronTime(data.cron, data.timezone, at);
      await trx
        .insertInto('job')
        .values({ id: data.jobId, ...declared, paused: false, registered_at: at, next_due_at: next, ...touch })
        // A release that changes the declaration: the schedule owes its next run from now on.
        .onConflict((oc) => oc.column('id').doUpdateSet({ ...declared, next_due_at: next, ...touch }))
        .execute();
      return;
    }
    case 'platform.scheduler.v1.JobScheduleChanged':
      await updateJob(data.jobId, {
        cron: data.cron,
        timezone: data.timezone,
        next_due_at: nextCronTime(data.cron, data.timezone, time(data.changedAt, event.occurredAt)),
      });
      return;
    case 'platform.scheduler.v1.JobPaused':
      await updateJob(data.jobId, { paused: true, pause_note: data.note || null });
      return;
    case 'platform.scheduler.v1.JobResumed': {
      // Times missed while paused are not owed: the schedule owes the next one after the resume.
      const current = await job(data.jobId);
      await updateJob(data.jobId, {
        paused: false,
        pause_note: null,
        ...(current && { next_due_at: nextCronTime(current.cron, current.timezone, time(data.resumedAt, event.occurredAt)) }),
      });
      return;
    }
    case 'platform.scheduler.v1.JobRunStarted': {
      const startedAt = time(data.startedAt, event.occurredAt);
      const scheduledAt = time(data.scheduledAt, startedAt);
      const manual = data.trigger === schedulerV1.RunTrigger.MANUAL;
      await trx
        .insertInto('job_run')
        .values({
          id: data.runId,
          job_id: data.jobId,
          trigger: manual ? 'manual' : 'schedule',
          scheduled_at: scheduledAt,
          started_at: startedAt,
          finished_at: null,
          result: 'running',
          duration_ms: null,
          output: '',
          output_truncated: false,
          detail: '',
          workflow_id: data.workflowId,
        })
        .onConflict((oc) => oc.column('id').doNothing())
        .execute();
      const current = await job(data.jobId);
      await updateJob(data.jobId, {
        last_run_id: data.runId,
        last_run_started_at: startedAt,
        running_since: startedAt,
        running_run_id: data.runId,
        // A scheduled run pays what the schedule owed; a manual one owes nothing back.
        ...(!manual && current && { next_due_at: nextCronTime(current.cron, current.timezone, scheduledAt) }),
      });
      return;
    }
    case 'platform.scheduler.v1.JobRunFinished': {
      const finishedAt = time(data.finishedAt, event.occurredAt);
      const result = schedulerV1.RunResultNames[data.result] ?? 'failed';
      await trx
        .updateTable('job_run')
        .set({
          finished_at: finishedAt,
          result,
          duration_ms: data.durationMs,
          output: data.output,
          output_truncated: data.outputTruncated,
          detail: data.detail,
        })
        .where('id', '=', data.runId)
        .execute();
      await updateJob(data.jobId, { last_run_finished_at: finishedAt, last_result: result, last_duration_ms: data.durationMs });
      await trx
        .updateTable('job')
        .set({ running_since: null, running_run_id: null })
        .where('id', '=', data.jobId)
        .where('running_run_id', '=', data.runId)
        .execute();
      return;
    }
    // Requests and facts for other consumers: nothing on this page changes.
    case 'platform.scheduler.v1.JobRunRequested':
    case 'platform.scheduler.v1.HourlyChargeRequested':
    case 'platform.scheduler.v1.InstanceBackupChanged':
      return;
    default: {
      const never: never = data;
      throw new Error(`scheduler cannot project ${(never as { $typeName: string }).$typeName}`);
    }
  }
}
