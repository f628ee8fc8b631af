import { tasksV1 } from '@opsledger/contracts';
import { type JobBody, type JobDeps, SCHEDULER_ACTOR, SCHEDULER_SOURCE } from './job';

/**
 * tasks.stuck-sweep: asks the tasks service to flag running tasks that made
 * no progress for longer than their type allows. The rule and the warning
 * line are the tasks service's; it warns once per stall, so sweeping often is
 * harmless.
 */
export const stuckSweepJob =
  (deps: JobDeps): JobBody =>
  async (io) => {
    const result = await deps.commands.send(tasksV1.SweepStuckTasksCommand, { actor: SCHEDULER_ACTOR, source: SCHEDULER_SOURCE });
    io.print(`${result.running} task(s) running; ${result.flagged.length} newly flagged as stuck`);
    for (const task of result.flagged)
      io.print(`  ${task.taskId} (${task.type}): no progress for ${task.stalledSeconds} s, its budget is ${task.budgetSeconds} s`);
  };
