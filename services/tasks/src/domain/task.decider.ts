import { create } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { tasksV1 } from '@opsledger/contracts';
import { AggregateNotFound, RuleViolation } from '@opsledger/eventstore';
import type { TaskCommand } from './task.commands';
import { evolve, initialTaskState, lineKey, type TaskEvent, type TaskState } from './task.events';
import { isRetryable } from './task-types';
import { STUCK_STEP, stuckBudgetMs, stuckWarning } from './stuck-tasks';

export type { TaskCommand } from './task.commands';

/** A rule refused the command; the message says which, for the operator (409). */
export class TaskRuleViolation extends RuleViolation {}

/** The task does not exist (404). */
export class TaskNotFound extends AggregateNotFound {}

const LEVELS = { info: tasksV1.LogLevel.INFO, warn: tasksV1.LogLevel.WARN, error: tasksV1.LogLevel.ERROR } as const;

export function decide(state: TaskState, command: TaskCommand): TaskEvent[] {
  const at = timestampFromDate(command.now);
  if (command.kind === 'CreateTask') {
    if (state.status !== 'absent') throw new TaskRuleViolation(`task ${command.taskId} already exists`);
    return [
      create(tasksV1.TaskCreatedSchema, {
        taskId: command.taskId,
        type: command.type,
        target: command.target,
        params: command.params,
        createdAt: at,
        attempt: 1,
      }),
    ];
  }
  if (state.status === 'absent') throw new TaskNotFound('task not found');
  const { taskId } = state;

  switch (command.kind) {
    case 'StartTask':
      if (state.status === 'running' && state.runId === command.runId) return [];
      if (state.status !== 'pending') throw new TaskRuleViolation(`a ${state.status} task cannot start`);
      return [create(tasksV1.TaskStartedSchema, { taskId, startedAt: at, workflowId: command.workflowId, runId: command.runId })];

    case 'ProgressTask':
      if (state.status !== 'running' || command.percent <= state.progress) return [];
      return [create(tasksV1.TaskProgressedSchema, { taskId, percent: Math.min(100, command.percent), at })];

    case 'LogTaskLine':
      if (state.status !== 'running' && state.status !== 'pending') return [];
      if (state.loggedKeys.has(lineKey(command.step, command.text))) return [];
      return [create(tasksV1.TaskLoggedSchema, { taskId, level: LEVELS[command.level], step: command.step, text: command.text, at })];

    case 'CompleteTask':
      if (state.status === 'completed') return [];
      if (state.status !== 'running') throw new TaskRuleViolation(`a ${state.status} task cannot complete`);
      return [create(tasksV1.TaskCompletedSchema, { taskId, completedAt: at })];

    case 'FailTask':
      if (state.status === 'failed') return [];
      if (state.status !== 'running' && state.status !== 'pending') throw new TaskRuleViolation(`a ${state.status} task cannot fail`);
      // Said on the event, so readers (the console's Retry button) need not know the rule.
      return [create(tasksV1.TaskFailedSchema, { taskId, error: command.error, failedAt: at, retryable: isRetryable(state.type) })];

    case 'CancelTask':
      if (state.status === 'running') throw new TaskRuleViolation('a running task cannot be cancelled mid-flight; only a pending task can');
      if (state.status !== 'pending')
        throw new TaskRuleViolation(`the task is already ${state.status}; only a pending task can be cancelled`);
      return [create(tasksV1.TaskCancelledSchema, { taskId, reason: command.reason, cancelledAt: at })];

    case 'RetryTask': {
      if (state.status !== 'failed') throw new TaskRuleViolation(`only a failed task can be retried; this one is ${state.status}`);
      if (!isRetryable(state.type))
        throw new TaskRuleViolation(`${state.type} is not idempotent: a failed one must be looked at by a person, not retried`);
      return [create(tasksV1.TaskRetriedSchema, { taskId, attempt: state.attempt + 1, retriedAt: at })];
    }
    case 'FlagStuckTask': {
      // Only a running task can be stuck, and each stall is warned about once.
      if (state.status !== 'running' || state.stallWarned) return [];
      const stepTimeoutMs = state.stepTimeoutMs ?? command.defaultStepTimeoutMs;
      const stalledMs = command.now.getTime() - state.lastActivityAt.getTime();
      if (stalledMs <= stuckBudgetMs(state.type, stepTimeoutMs)) return [];
      return [
        create(tasksV1.TaskLoggedSchema, {
          taskId,
          level: tasksV1.LogLevel.WARN,
          step: STUCK_STEP,
          text: stuckWarning(stalledMs, state.type, stepTimeoutMs),
          at,
        }),
      ];
    }
    default: {
      const never: never = command;
      throw new Error(`unknown command ${JSON.stringify(never)}`);
    }
  }
}

/** The task's rules as one value: what handleCommand runs and what the specs state. */
export const taskDecider = { initialState: initialTaskState, evolve, decide };
