import type { JsonObject } from '@bufbuild/protobuf';
import { taskTypeNames, tasksV1 } from '@opsledger/contracts';
import { actorSchema, type CommandHandler, opaqueIdSchema } from '@opsledger/messaging';
import { commandContext, creationIds } from '@opsledger/service-runtime';
import { z } from 'zod';
import { checkTaskParams } from '../domain/task-params';
import { executeTaskCommand, type TaskCommandDeps } from './execute-task-command';

export interface CreateTaskDeps extends TaskCommandDeps {
  now: () => Date;
}

/** The rules of a CreateTask at the boundary: field by field, so the caller learns exactly what to fix. */
export const createTaskSchema = z
  .object({
    actor: actorSchema,
    type: z.enum(taskTypeNames, `must be one of ${taskTypeNames.join(', ')}`),
    target: z.object({ userId: opaqueIdSchema, hypervisorId: opaqueIdSchema, instanceId: opaqueIdSchema }, 'target is required'),
    params: z.record(z.string(), z.unknown()).optional(),
  })
  // Each type's params have rules of their own (domain/task-params.ts), checked once the type is known.
  .superRefine(({ type, params }, ctx) => {
    for (const issue of checkTaskParams(type, params)) ctx.addIssue({ ...issue, path: ['params', ...issue.path] } as never);
  });

export function createTaskHandler(
  deps: CreateTaskDeps,
): CommandHandler<typeof tasksV1.CreateTaskCommand.command, typeof tasksV1.CreateTaskCommand.result> {
  return {
    definition: tasksV1.CreateTaskCommand,
    schema: createTaskSchema,
    async handle(command, meta) {
      // With an Idempotency-Key the id comes from it: a retry of the same request finds the task it made.
      const { aggregateId: taskId, idempotent } = creationIds(tasksV1.CreateTaskCommand.command, command, meta, deps.newId);
      const { userId, hypervisorId, instanceId } = command.target!;
      await executeTaskCommand(
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
        commandContext(command, meta),
        idempotent,
      );
      return { taskId };
    },
  };
}
