import { type AppendContext, handleCommand, type HandleCommandDeps } from '@opsledger/eventstore';
import { decide, type TaskCommand } from '../domain/task.decider';
import { evolve, initialTaskState } from '../domain/task.events';
import { taskRef } from './task-ref';

export type TaskCommandDeps = HandleCommandDeps;

const taskDecider = { initialState: initialTaskState, evolve, decide };

/** A command to one task, through the shared load → decide → append. */
export const executeTaskCommand = (deps: TaskCommandDeps, taskId: string, command: TaskCommand, ctx: AppendContext) =>
  handleCommand(deps, taskRef(taskId), taskDecider, command, ctx);
