import { timestampDate } from '@bufbuild/protobuf/wkt';
import type { schedulerV1 } from '@opsledger/contracts';
import type { Projection, StoredEvent } from '@opsledger/eventstore';
import { startWorkflowOnce } from '@opsledger/service-runtime';
import type { Kysely, Transaction } from 'kysely';
import { sql } from 'kysely';
import { deleteSchedule, manualWorkflowIdOf, type ScheduleSettings, upsertSchedule } from '../schedules/job-schedule';
import { runJob } from '../workflows/run-job.workflow';
import type { JobScheduleTable, SchedulerTables } from './private-tables';

export interface DispatcherSettings extends ScheduleSettings {
  /** The jobs of this release: a job the registry no longer has loses its schedule. */
  jobs: ReadonlyMap<string, { maxRunSeconds: number }>;
  /**
   * A Run now request older than this when the dispatcher reaches it is not
   * run (a replay from scratch must not re-run last month's clicks). Shorter
   * than Temporal's retention, so within it a replay also meets the
   * request's workflow id and is refused there.
   */
  requestExpiryMs: number;
  now: () => Date;
  log?: (message: string, fields: Record<string, unknown>) => void;
}

export const DISPATCHER = 'scheduler-dispatcher';

/**
 * Applies the SCHEDULER stream to the outside world: each job's Temporal
 * Schedule follows its events (registered, rescheduled, paused, resumed),
 * each Run now request starts its run once, and an admin's backup switch is
 * kept for the daily snapshot job. Driven by the stream, never by the
 * command handlers, so nothing is written twice: a crash before the
 * checkpoint commits replays the batch, and re-writing a schedule from the
 * job's state is harmless.
 */
export function schedulerDispatcherProjection(schema: string, settings: DispatcherSettings): Projection<SchedulerTables> {
  return {
    name: DISPATCHER,
    context: 'scheduler',
    schema,
    // run_request is left out on purpose: the record of what was started survives a rebuild.
    tables: ['job_schedule', 'instance_backup'],
    migrations: {
      '20261123T0900_create_scheduler_dispatch': {
        async up(db: Kysely<any>) {
          await db.schema
            .createTable('job_schedule')
            .addColumn('job_id', 'text', (c) => c.primaryKey())
            .addColumn('cron', 'text', (c) => c.notNull())
            .addColumn('timezone', 'text', (c) => c.notNull())
            .addColumn('paused', 'boolean', (c) => c.notNull())
            .addColumn('note', 'text', (c) => c.notNull())
            .addColumn('allow_overlap', 'boolean', (c) => c.notNull())
            .addColumn('max_run_seconds', 'integer', (c) => c.notNull())
            .execute();
          await db.schema
            .createTable('run_request')
            .addColumn('request_id', 'text', (c) => c.primaryKey())
            .addColumn('job_id', 'text', (c) => c.notNull())
            .addColumn('requested_at', 'timestamptz', (c) => c.notNull())
            .addColumn('outcome', 'text', (c) => c.notNull())
            .addColumn('workflow_id', 'text')
            .addColumn('dispatched_at', 'timestamptz', (c) => c.notNull())
            .execute();
          await db.schema
            .createTable('instance_backup')
            .addColumn('instance_id', 'text', (c) => c.primaryKey())
            .addColumn('daily', 'boolean', (c) => c.notNull())
            .addColumn('changed_at', 'timestamptz', (c) => c.notNull())
            .execute();
        },
      },
    },
    async apply(trx, events) {
      const touched = new Set<string>();
      for (const event of events) await applyOne(trx, event, settings, touched);
      // One Temporal round trip per job per batch, after its rows hold the batch's last word.
      for (const jobId of touched) await syncSchedule(trx, jobId, settings);
    },
  };
}

async function applyOne(trx: Transaction<SchedulerTables>, event: StoredEvent, settings: DispatcherSettings, touched: Set<string>) {
  const data = event.data as schedulerV1.JobEvent | schedulerV1.InstanceEvent | schedulerV1.RunEvent | schedulerV1.BillingHourEvent;
  switch (data.$typeName) {
    case 'platform.scheduler.v1.JobRegistered': {
      const row: JobScheduleTable = {
        job_id: data.jobId,
        cron: data.cron,
        timezone: data.timezone,
        paused: false,
        note: '',
        allow_overlap: data.allowOverlap,
        max_run_seconds: data.maxRunSeconds,
      };
      await trx
        .insertInto('job_schedule')
        .values(row)
        // A new release keeps the pause (the decider's evolve does the same).
        .onConflict((oc) =>
          oc.column('job_id').doUpdateSet({
            cron: row.cron,
            timezone: row.timezone,
            allow_overlap: row.allow_overlap,
            max_run_seconds: row.max_run_seconds,
          }),
        )
        .execute();
      touched.add(data.jobId);
      return;
    }
    case 'platform.scheduler.v1.JobScheduleChanged':
      await trx.updateTable('job_schedule').set({ cron: data.cron, timezone: data.timezone }).where('job_id', '=', data.jobId).execute();
      touched.add(data.jobId);
      return;
    case 'platform.scheduler.v1.JobPaused':
      await trx
        .updateTable('job_schedule')
        .set({ paused: true, note: data.note || 'paused from Ops Ledger' })
        .where('job_id', '=', data.jobId)
        .execute();
      touched.add(data.jobId);
      return;
    case 'platform.scheduler.v1.JobResumed':
      await trx.updateTable('job_schedule').set({ paused: false, note: data.note }).where('job_id', '=', data.jobId).execute();
      touched.add(data.jobId);
      return;
    case 'platform.scheduler.v1.JobRunRequested':
      return runRequested(trx, data, settings);
    case 'platform.scheduler.v1.InstanceBackupChanged': {
      const changedAt = data.changedAt ? timestampDate(data.changedAt) : event.occurredAt;
      await trx
        .insertInto('instance_backup')
        .values({ instance_id: data.instanceId, daily: data.daily, changed_at: changedAt })
        .onConflict((oc) =>
          oc
            .column('instance_id')
            .doUpdateSet({ daily: data.daily, changed_at: changedAt })
            .where(sql<boolean>`instance_backup.changed_at <= excluded.changed_at`),
        )
        .execute();
      return;
    }
    default:
      // Runs and billed hours are facts for readers; nothing to dispatch.
      return;
  }
}

/**
 * Starts a Run now request's run, once: the request's row commits with the
 * checkpoint, so a replayed event finds it and starts nothing; a crash after
 * the start but before the commit replays the event into Temporal's refusal
 * of the request's workflow id. What stays at least once is inside the run:
 * a job activity retried after its worker died (each job is idempotent, see
 * activities/jobs).
 */
async function runRequested(trx: Transaction<SchedulerTables>, data: schedulerV1.JobRunRequested, settings: DispatcherSettings) {
  const requestedAt = data.requestedAt ? timestampDate(data.requestedAt) : settings.now();
  const job = settings.jobs.get(data.jobId);
  const age = settings.now().getTime() - requestedAt.getTime();
  const outcome = !job ? 'unknown-job' : age > settings.requestExpiryMs ? 'expired' : 'started';
  const workflowId = manualWorkflowIdOf(settings.prefix, data.jobId, data.requestId);
  const inserted = await trx
    .insertInto('run_request')
    .values({
      request_id: data.requestId,
      job_id: data.jobId,
      requested_at: requestedAt,
      outcome,
      workflow_id: outcome === 'started' ? workflowId : null,
      dispatched_at: settings.now(),
    })
    .onConflict((oc) => oc.column('request_id').doNothing())
    .returning('request_id')
    .executeTakeFirst();
  if (!inserted) return;
  if (outcome !== 'started') {
    settings.log?.(`Run now request not run: ${outcome}`, { jobId: data.jobId, requestId: data.requestId, ageMs: age });
    return;
  }
  await startWorkflowOnce(settings.client, runJob, {
    taskQueue: settings.taskQueue,
    workflowId,
    args: [{ jobId: data.jobId, requestId: data.requestId, requestedAt: requestedAt.toISOString() }],
    workflowExecutionTimeout: `${job!.maxRunSeconds + 600} seconds`,
  });
}

async function syncSchedule(trx: Transaction<SchedulerTables>, jobId: string, settings: DispatcherSettings) {
  if (!settings.jobs.has(jobId)) {
    await deleteSchedule(settings, jobId);
    return;
  }
  const row = await trx.selectFrom('job_schedule').selectAll().where('job_id', '=', jobId).executeTakeFirst();
  if (!row) return;
  await upsertSchedule(settings, scheduleOfRow(row));
}

export const scheduleOfRow = (row: JobScheduleTable) => ({
  jobId: row.job_id,
  cron: row.cron,
  timezone: row.timezone,
  paused: row.paused,
  note: row.note,
  allowOverlap: row.allow_overlap,
  maxRunSeconds: row.max_run_seconds,
});
