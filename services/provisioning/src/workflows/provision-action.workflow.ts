import { ActivityFailure, ApplicationFailure, proxyActivities } from '@temporalio/workflow';
import type { ActionInput, createProvisioningActivities } from '../activities/provisioning.activities';

type Activities = ReturnType<typeof createProvisioningActivities>;

export interface ProvisionActionInput extends ActionInput {
  /** First retry delay; later ones double. 2 s in production. */
  retryInitialIntervalMs: number;
}

export const provisionWorkflowId = (dispatchId: string) => `provision-${dispatchId}`;

// Recording the outcome must not give up: a service whose outcome is never
// recorded stays "running" and refuses every later action. No attempt limit;
// the interval tops out at a minute while NATS is away.
const bookkeeping = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '500 milliseconds', maximumInterval: '1 minute' },
});

/**
 * One dispatch of one action: at most three panel calls (maximumAttempts
 * counts the first), with backoff, for failures a retry can fix; a failure
 * it cannot fix stops at once. Nothing retries after the last attempt.
 */
export async function provisionAction(input: ProvisionActionInput): Promise<'succeeded' | 'failed'> {
  const { attemptAction } = proxyActivities<Activities>({
    // An attempt may make two panel calls (an account lookup, then the action), each up to the server's 60 s cap.
    startToCloseTimeout: '150 seconds',
    retry: {
      maximumAttempts: 3,
      initialInterval: input.retryInitialIntervalMs,
      backoffCoefficient: 2,
      nonRetryableErrorTypes: ['PermanentPanelFailure'],
    },
  });
  let attempts: number;
  try {
    ({ attempt: attempts } = await attemptAction(input));
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
  await bookkeeping.markSucceeded({ ...input, attempts });
  return 'succeeded';
}
