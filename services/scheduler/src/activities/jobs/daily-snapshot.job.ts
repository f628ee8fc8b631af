import { tasksV1 } from '@opsledger/contracts';
import { UnavailableError } from '@opsledger/messaging';
import { waitForProjection } from '../../projections/catch-up';
import { INSTANCES, SCHEDULER_RUN_PARAM } from '../../projections/instances.projection';
import { instancesWithDailyBackup, snapshotTasksOfRun } from '../../projections/private-tables';
import { DISPATCHER } from '../../projections/scheduler-dispatcher.projection';
import { type JobBody, type JobDeps, SCHEDULER_ACTOR, SCHEDULER_SOURCE } from './job';

interface Progress {
  /** instance id → the snapshot task this run created for it. */
  created: Record<string, string>;
}

/**
 * instance.daily-snapshot: one instance.snapshot task (a real CreateTask to
 * the tasks service) for every deployed instance whose daily backup is on.
 *
 * Exactly one per instance per run, even when Temporal retries the activity
 * after its worker was lost: each created task is saved with the heartbeat,
 * and a retried attempt also waits for the TASKS lookup to catch up and
 * reads the snapshot tasks carrying this run's id (params.schedulerRunId),
 * which covers a task created after the last heartbeat got out.
 */
export const dailySnapshotJob =
  (deps: JobDeps): JobBody =>
  async (io) => {
    const lookup = { db: deps.db, jsm: deps.jsm, schema: deps.schema, prefix: deps.prefix };
    // What was deployed, and switched, before this run started.
    await waitForProjection(lookup, INSTANCES, 'tasks', { signal: io.signal });
    await waitForProjection(lookup, DISPATCHER, 'scheduler', { signal: io.signal });
    const db = deps.db.withSchema(deps.schema);
    const targets = await instancesWithDailyBackup(db);
    io.print(`${targets.length} instance(s) with daily backup on`);

    const created = new Map(Object.entries((io.progress as Progress | undefined)?.created ?? {}));
    if (io.attempt > 1) {
      for (const [instanceId, taskId] of await snapshotTasksOfRun(db, io.runId)) created.set(instanceId, taskId);
      io.print(`attempt ${io.attempt}: ${created.size} snapshot task(s) already created by this run`);
    }

    let made = 0;
    const failed: string[] = [];
    for (const target of targets) {
      io.signal.throwIfAborted();
      const already = created.get(target.instanceId);
      if (already) {
        io.print(`${target.instanceId}: snapshot task ${already} already created by this run`);
        continue;
      }
      try {
        const { taskId } = await deps.commands.send(tasksV1.CreateTaskCommand, {
          actor: SCHEDULER_ACTOR,
          source: SCHEDULER_SOURCE,
          type: 'instance.snapshot',
          target,
          params: { [SCHEDULER_RUN_PARAM]: io.runId, reason: 'daily snapshot' },
        });
        created.set(target.instanceId, taskId);
        io.saveProgress({ created: Object.fromEntries(created) } satisfies Progress);
        made++;
        io.print(`${target.instanceId} (hypervisor ${target.hypervisorId}, user ${target.userId}): snapshot task ${taskId} created`);
      } catch (error) {
        // No tasks service answering: the others would fail the same way.
        if (error instanceof UnavailableError) throw error;
        failed.push(target.instanceId);
        io.print(`${target.instanceId}: no snapshot task: ${(error as Error).message}`);
      }
    }
    io.print(`${made} snapshot task(s) created, ${targets.length - made - failed.length} already done, ${failed.length} failed`);
    if (failed.length > 0)
      throw new Error(`${failed.length} of ${targets.length} snapshot tasks could not be created: ${failed.join(', ')}`);
  };
