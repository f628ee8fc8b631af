import { ActivityFailure, ApplicationFailure, proxyActivities, TimeoutFailure, workflowInfo } from '@temporalio/workflow';
import type { createTaskActivities } from '../activities/task.activities';
import { TASK_STEPS } from '../domain/task-steps';

type Activities = ReturnType<typeof createTaskActivities>;

export interface RunTaskInput {
  taskId: string;
  attempt: number;
  type: string;
  hypervisorId: string;
  instanceId: string;
  /** How long one step may wait for the hypervisor, retries included, before the task fails. */
  stepTimeoutMs: number;
}

/** One workflow per attempt: a replayed TaskCreated or TaskRetried meets its own id and starts nothing. */
export const workflowIdOf = (taskId: string, attempt: number) => `task-${taskId}-${attempt}`;

const bookkeeping = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: {
    initialInterval: '200 milliseconds',
    backoffCoefficient: 2,
    maximumInterval: '10 seconds',
    nonRetryableErrorTypes: ['TaskRuleViolation'],
  },
});

/**
 * One attempt of one task: each named step is an activity against the
 * hypervisor agent, retried by Temporal while the agent does not answer, up
 * to the step's timeout. Deterministic: every event is written by an
 * activity, never from here.
 */
export async function runTask(input: RunTaskInput): Promise<'completed' | 'failed'> {
  const { workflowId, runId } = workflowInfo();
  const { runStep } = proxyActivities<Activities>({
    // One call to the agent; a call that outlives this is abandoned and
    // retried, so a silent agent is asked again several times within the step's budget.
    startToCloseTimeout: Math.max(1_000, Math.min(15_000, Math.floor(input.stepTimeoutMs / 3))),
    // The step's whole budget, retries included.
    scheduleToCloseTimeout: input.stepTimeoutMs,
    // runStep heartbeats every second: five without one means its worker is gone.
    heartbeatTimeout: '5 seconds',
    retry: {
      initialInterval: '500 milliseconds',
      backoffCoefficient: 2,
      maximumInterval: '5 seconds',
      nonRetryableErrorTypes: ['HypervisorError'],
    },
  });

  await bookkeeping.markStarted({ taskId: input.taskId, workflowId, runId });
  for (const step of TASK_STEPS[input.type] ?? []) {
    try {
      await runStep({ ...input, ...step });
    } catch (error) {
      await bookkeeping.markFailed({ taskId: input.taskId, error: failureMessage(error, step.step, input) });
      return 'failed';
    }
  }
  await bookkeeping.markCompleted({ taskId: input.taskId });
  return 'completed';
}

function failureMessage(error: unknown, step: string, input: RunTaskInput): string {
  const cause = error instanceof ActivityFailure ? error.cause : error;
  if (cause instanceof TimeoutFailure)
    return `hypervisor ${input.hypervisorId} did not answer ${step} within ${Math.round(input.stepTimeoutMs / 1000)} s`;
  if (cause instanceof ApplicationFailure) return cause.message;
  return `${step} failed: ${(cause as Error)?.message ?? String(cause)}`;
}
