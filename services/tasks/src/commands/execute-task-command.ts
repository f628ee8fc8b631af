import { type AppendContext, handleCommand, type HandleCommandDeps, type IdempotentCreate } from '@opsledger/eventstore';
import { type TaskCommand, taskDecider } from '../domain/task.decider';
import { taskRef } from '../domain/refs';

export type TaskCommandDeps = HandleCommandDeps;

/** A command to one task, through the shared load → decide → append. */
export const executeTaskCommand = (
  deps: TaskCommandDeps,
  taskId: string,
  command: TaskCommand,
  ctx: AppendContext,
  idempotent?: IdempotentCreate,
) => handleCommand(deps, taskRef(taskId), taskDecider, command, ctx, idempotent);
