import { ActivityFailure, ApplicationFailure, proxyActivities } from '@temporalio/workflow';
import type { ActionInput, createProvisioningActivities } from '../activities/provisioning.activities';

type Activities = ReturnType<typeof createProvisioningActivities>;

export interface ProvisionActionInput extends ActionInput {
  /** First retry delay; later ones double. 2 s in production. */
  retryInitialIntervalMs: number;
}

export const provisionWorkflowId = (dispatchId: string) => `provision-${dispatchId}`;

const bookkeeping = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '500 milliseconds', maximumAttempts: 10 },
});

/**
 * One dispatch of one action: at most three panel calls (maximumAttempts
 * counts the first), with backoff, for failures a retry can fix; a failure
 * it cannot fix stops at once. Nothing retries after the last attempt.
 */
export async function provisionAction(input: ProvisionActionInput): Promise<'succeeded' | 'failed'> {
  const { attemptAction } = proxyActivities<Activities>({
    startToCloseTimeout: '90 seconds',
    retry: {
      maximumAttempts: 3,
      initialInterval: input.retryInitialIntervalMs,
      backoffCoefficient: 2,
      nonRetryableErrorTypes: ['PermanentPanelFailure'],
    },
  });
  try {
    const { attempt } = await attemptAction(input);
    await bookkeeping.markSucceeded({ ...input, attempts: attempt });
    return 'succeeded';
  } catch (error) {
    const cause = error instanceof ActivityFailure ? error.cause : error;
    const [code, attempt] = cause instanceof ApplicationFailure ? (cause.details ?? []) : [];
    await bookkeeping.markFailed({
      ...input,
      attempts: typeof attempt === 'number' ? attempt : 0,
      diagnosis: typeof code === 'string' ? code : 'unknown',
    });
    return 'failed';
  }
}
