import { tasksV1 } from '@opsledger/contracts';
import { actorSchema, type CommandHandler } from '@opsledger/messaging';
import { commandContext } from '@opsledger/service-runtime';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import { stuckBudgetMs } from '../domain/stuck-tasks';
import type { DispatchTables } from '../projections/workflow-dispatcher.projection';
import { executeTaskCommand, type TaskCommandDeps } from './execute-task-command';

export interface SweepStuckTasksDeps extends TaskCommandDeps {
  now: () => Date;
  /** The dispatcher's table in the service's private schema: which tasks run, and since when they were silent. */
  db: Kysely<DispatchTables>;
  defaultStepTimeoutMs: number;
}

/**
 * Looks at every running task and adds one warning line to each that has
 * been silent for longer than its type's budget. The private table picks the
 * candidates without loading every task; the task's decider decides on its
 * own events (it may have moved since, or been warned already), so a sweep
 * run twice, or by two replicas at once, warns once.
 */
export function sweepStuckTasksHandler(
  deps: SweepStuckTasksDeps,
): CommandHandler<typeof tasksV1.SweepStuckTasksCommand.command, typeof tasksV1.SweepStuckTasksCommand.result> {
  return {
    definition: tasksV1.SweepStuckTasksCommand,
    schema: z.object({ actor: actorSchema }),
    async handle(command, meta) {
      const running = await deps.db
        .selectFrom('task_dispatch')
        .select(['task_id', 'type', 'step_timeout_ms', 'last_activity_at', 'stall_warned'])
        .where('status', '=', 'running')
        .orderBy('last_activity_at')
        .execute();
      const now = deps.now();
      const flagged: { taskId: string; type: string; stalledSeconds: number; budgetSeconds: number }[] = [];
      for (const task of running) {
        const budgetMs = stuckBudgetMs(task.type, task.step_timeout_ms);
        const stalledMs = now.getTime() - (task.last_activity_at?.getTime() ?? now.getTime());
        if (task.stall_warned || stalledMs <= budgetMs) continue;
        const { events } = await executeTaskCommand(
          deps,
          task.task_id,
          { kind: 'FlagStuckTask', defaultStepTimeoutMs: deps.defaultStepTimeoutMs, now },
          commandContext(command, meta),
        );
        if (events.length > 0)
          flagged.push({
            taskId: task.task_id,
            type: task.type,
            stalledSeconds: Math.round(stalledMs / 1000),
            budgetSeconds: Math.round(budgetMs / 1000),
          });
      }
      return { running: running.length, flagged };
    },
  };
}
