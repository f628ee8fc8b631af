import type { JsonObject } from '@bufbuild/protobuf';
import { tasksV1 } from '@opsledger/contracts';
import { actorSchema, type CommandHandler, opaqueIdSchema } from '@opsledger/messaging';
import { z } from 'zod';
import { taskTypeNames } from '@opsledger/contracts';
import { actorOf, sourceOf } from '@opsledger/eventstore';
import { executeTaskCommand, type TaskCommandDeps } from './execute-task-command';
import { asCommandError } from './task-command-errors';

export interface CreateTaskDeps extends TaskCommandDeps {
  now: () => Date;
}

/** The rules of a CreateTask at the boundary: field by field, so the caller learns exactly what to fix. */
export const createTaskSchema = z.object({
  actor: actorSchema,
  type: z.enum(taskTypeNames, `must be one of ${taskTypeNames.join(', ')}`),
  target: z.object({ userId: opaqueIdSchema, hypervisorId: opaqueIdSchema, instanceId: opaqueIdSchema }, 'target is required'),
});

export function createTaskHandler(
  deps: CreateTaskDeps,
): CommandHandler<typeof tasksV1.CreateTaskCommand.command, typeof tasksV1.CreateTaskCommand.result> {
  return {
    definition: tasksV1.CreateTaskCommand,
    schema: createTaskSchema,
    async handle(command, meta) {
      const taskId = deps.newId();
      const { userId, hypervisorId, instanceId } = command.target!;
      await asCommandError(() =>
        executeTaskCommand(
          deps,
          taskId,
          {
            kind: 'CreateTask',
            taskId,
            type: command.type,
            target: { userId, hypervisorId, instanceId },
            params: (command.params ?? {}) as JsonObject,
            now: deps.now(),
          },
          { actor: actorOf(command.actor), source: sourceOf(command.source), traceparent: meta.traceparent },
        ),
      );
      return { taskId };
    },
  };
}
