import { tasksV1 } from '@opsledger/contracts';
import { actorSchema, type CommandHandler, opaqueIdSchema } from '@opsledger/messaging';
import { commandContext } from '@opsledger/service-runtime';
import { z } from 'zod';
import type { CreateTaskDeps } from './create-task.handler';
import { executeTaskCommand } from './execute-task-command';

const taskId = opaqueIdSchema;

/** Cancel: only a pending task (409 with the rule otherwise). */
export function cancelTaskHandler(
  deps: CreateTaskDeps,
): CommandHandler<typeof tasksV1.CancelTaskCommand.command, typeof tasksV1.CancelTaskCommand.result> {
  return {
    definition: tasksV1.CancelTaskCommand,
    schema: z.object({ actor: actorSchema, taskId, reason: z.string().max(500) }),
    async handle(command, meta) {
      const { version } = await executeTaskCommand(
        deps,
        command.taskId,
        { kind: 'CancelTask', reason: command.reason || 'cancelled by an operator', now: deps.now() },
        commandContext(command, meta),
      );
      return { taskId: command.taskId, version: BigInt(version) };
    },
  };
}

/** Retry: only a failed task of an idempotent type, as a new attempt (409 with the rule otherwise). */
export function retryTaskHandler(
  deps: CreateTaskDeps,
): CommandHandler<typeof tasksV1.RetryTaskCommand.command, typeof tasksV1.RetryTaskCommand.result> {
  return {
    definition: tasksV1.RetryTaskCommand,
    schema: z.object({ actor: actorSchema, taskId }),
    async handle(command, meta) {
      const { version } = await executeTaskCommand(
        deps,
        command.taskId,
        { kind: 'RetryTask', now: deps.now() },
        commandContext(command, meta),
      );
      return { taskId: command.taskId, version: BigInt(version) };
    },
  };
}
