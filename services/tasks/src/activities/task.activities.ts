import { AggregateNotFound, RuleViolation } from '@opsledger/eventstore';
import { activityInfo, ApplicationFailure, Context } from '@temporalio/activity';
import { executeTaskCommand, type TaskCommandDeps } from '../commands/execute-task-command';
import type { TaskCommand } from '../domain/task.commands';
import type { TaskStep } from '../domain/task-steps';
import type { RunTaskInput } from '../workflows/run-task.workflow';

export interface TaskActivityDeps extends TaskCommandDeps {
  hypervisorUrl: string;
  now: () => Date;
}

export const HEARTBEAT_EVERY_MS = 1_000;

/** The worker writes as the system, from the tasks service's worker. */
const WORKER = { actor: { kind: 'system' as const, id: 'tasks-worker' }, source: 'system' as const };

/**
 * The task workflow's activities: each either calls the hypervisor agent or
 * writes the task's events through the decider (idempotently, so a retried
 * activity does not write twice).
 */
export function createTaskActivities(deps: TaskActivityDeps) {
  const write = async (taskId: string, command: TaskCommand) => {
    try {
      await executeTaskCommand(deps, taskId, command, WORKER);
    } catch (error) {
      // A refusal stays a refusal however often it is asked: the workflow's bookkeeping does not retry it.
      if (error instanceof RuleViolation || error instanceof AggregateNotFound)
        throw ApplicationFailure.nonRetryable(error.message, 'TaskRuleViolation');
      throw error;
    }
  };
  const now = () => deps.now();

  return {
    async markStarted(input: { taskId: string; workflowId: string; runId: string }) {
      await write(input.taskId, { kind: 'StartTask', workflowId: input.workflowId, runId: input.runId, now: now() });
    },

    /** One step against the agent: its line and progress on success; retried by Temporal while the agent does not answer. */
    async runStep(input: RunTaskInput & TaskStep) {
      const { taskId, hypervisorId, instanceId, step, percent } = input;
      if (activityInfo().attempt > 1)
        await write(taskId, { kind: 'LogTaskLine', level: 'warn', step, text: 'waiting for hypervisor response', now: now() });
      const url = `${deps.hypervisorUrl}/v1/hypervisors/${encodeURIComponent(hypervisorId)}/instances/${encodeURIComponent(instanceId)}/steps/${encodeURIComponent(step)}`;
      const context = Context.current();
      // Heartbeats while the agent works: Temporal learns within seconds that a
      // killed worker holds nothing, and the worker status can tell busy from gone.
      const heartbeat = setInterval(() => context.heartbeat(), HEARTBEAT_EVERY_MS);
      let res: Response;
      try {
        res = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ taskId, attempt: input.attempt }),
          signal: context.cancellationSignal,
        });
      } catch (error) {
        // Unreachable or cut off: worth another try, which Temporal schedules.
        throw ApplicationFailure.retryable(
          `hypervisor ${hypervisorId} did not answer ${step}: ${(error as Error).message}`,
          'HypervisorUnreachable',
        );
      } finally {
        clearInterval(heartbeat);
      }
      const body = (await res.json().catch(() => ({}))) as { detail?: string; error?: string };
      if (!res.ok) {
        // The agent answered that the step failed: retrying will not change its mind.
        const error = body.error ?? `hypervisor ${hypervisorId} answered ${res.status} to ${step}`;
        await write(taskId, { kind: 'LogTaskLine', level: 'error', step, text: error, now: now() });
        throw ApplicationFailure.nonRetryable(error, 'HypervisorError');
      }
      await write(taskId, { kind: 'LogTaskLine', level: 'info', step, text: body.detail ?? `${step} done`, now: now() });
      await write(taskId, { kind: 'ProgressTask', percent, now: now() });
    },

    async markCompleted(input: { taskId: string }) {
      await write(input.taskId, { kind: 'CompleteTask', now: now() });
    },

    async markFailed(input: { taskId: string; error: string }) {
      await write(input.taskId, { kind: 'LogTaskLine', level: 'error', step: 'task', text: input.error, now: now() });
      await write(input.taskId, { kind: 'FailTask', error: input.error, now: now() });
    },
  };
}
