import type { EventStore } from '@opsledger/eventstore';
import type { Kysely } from 'kysely';
import type { ScheduledJob } from './activities/jobs';
import { SCHEDULER_CONTEXT } from './activities/jobs/job';
import { executeJobCommand } from './commands/execute-job-command';
import { waitForProjection } from './projections/catch-up';
import type { SchedulerTables } from './projections/private-tables';
import { DISPATCHER, scheduleOfRow } from './projections/scheduler-dispatcher.projection';
import { deleteSchedule, scheduleIdOf, type ScheduleSettings, upsertSchedule } from './schedules/job-schedule';
import { jobIdOfToken } from './domain/refs';
import type { JetStreamManager } from '@nats-io/jetstream';

export interface ReconcileDeps {
  store: EventStore;
  newId: () => string;
  now: () => Date;
  jobs: readonly ScheduledJob[];
  db: Kysely<any>;
  schema: string;
  jsm: () => Promise<JetStreamManager>;
  schedules: ScheduleSettings;
  log: (message: string, fields: Record<string, unknown>) => void;
}

/**
 * At every start: each job of this release is registered (the decider adds
 * a JobRegistered only for a new or changed declaration, so a restart adds
 * nothing), then each job has exactly one Temporal Schedule matching its
 * state on the stream: created when Temporal has none (a fresh dev server),
 * updated when this release builds it differently, left alone otherwise (one
 * describe per job). Schedules of jobs the registry dropped are deleted.
 */
export async function reconcileScheduler(deps: ReconcileDeps, signal: AbortSignal): Promise<void> {
  const jobIds = deps.jobs.map((j) => j.declaration.id);
  for (const { declaration } of deps.jobs) {
    signal.throwIfAborted();
    const { events } = await executeJobCommand(
      { ...deps, jobIds },
      declaration.id,
      { kind: 'RegisterJob', declaration, now: deps.now() },
      SCHEDULER_CONTEXT,
    );
    if (events.length > 0) deps.log('job registered', { jobId: declaration.id, cron: declaration.cron });
  }

  // The dispatcher's rows then hold every job's state, including what was just registered.
  await waitForProjection({ ...deps, prefix: deps.schedules.prefix }, DISPATCHER, 'scheduler', { timeoutMs: 60_000, signal });
  const db = deps.db.withSchema(deps.schema) as Kysely<SchedulerTables>;
  for (const jobId of jobIds) {
    signal.throwIfAborted();
    // Under the row's lock: the dispatcher writes the same schedule after each event, never interleaved with this.
    const outcome = await db.transaction().execute(async (trx) => {
      const row = await trx.selectFrom('job_schedule').selectAll().where('job_id', '=', jobId).forUpdate().executeTakeFirst();
      if (!row) throw new Error(`job ${jobId} is registered but the dispatcher has no row for it`);
      return upsertSchedule(deps.schedules, scheduleOfRow(row));
    });
    if (outcome !== 'unchanged') deps.log(`schedule ${outcome}`, { jobId, scheduleId: scheduleIdOf(deps.schedules.prefix, jobId) });
  }

  const ours = scheduleIdOf(deps.schedules.prefix, 'x').slice(0, -1);
  for await (const schedule of deps.schedules.client.schedule.list()) {
    if (!schedule.scheduleId.startsWith(ours)) continue;
    let jobId: string;
    try {
      jobId = jobIdOfToken(schedule.scheduleId.slice(ours.length));
    } catch {
      continue;
    }
    if (jobIds.includes(jobId)) continue;
    if (await deleteSchedule(deps.schedules, jobId)) deps.log('schedule deleted: the registry has no such job', { jobId });
  }
}
