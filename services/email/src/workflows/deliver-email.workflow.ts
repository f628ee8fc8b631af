import { ActivityFailure, ApplicationFailure, proxyActivities } from '@temporalio/workflow';
import type { createDeliveryActivities, DeliveryInput } from '../activities/delivery.activities';

type Activities = ReturnType<typeof createDeliveryActivities>;

/** Temporal's retry policy for transient provider failures (throttled, 5xx, no connection). */
export interface DeliveryRetry {
  initialIntervalMs: number;
  maximumIntervalMs: number;
  /** Attempts in all, the first included. */
  maximumAttempts: number;
}

export interface DeliverEmailInput extends DeliveryInput {
  retry: DeliveryRetry;
}

/** One workflow per email, named by it: a replayed EmailQueued cannot start a second. */
export const deliveryWorkflowId = (emailId: string) => `email-${emailId}`;

/** The failure types the delivery activity throws; only the permanent one stops the retries. */
export const PERMANENT_FAILURE = 'PermanentDeliveryFailure';
export const TRANSIENT_FAILURE = 'TransientDeliveryFailure';

// Recording the outcome must not give up: an email whose outcome is never recorded stays "queued" forever.
const bookkeeping = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '500 milliseconds', maximumInterval: '1 minute' },
});

/**
 * Delivers one queued email: one provider call per attempt, retried by
 * Temporal's policy while the failure is transient, stopped at once by a
 * permanent one; the outcome (sent, or failed with the provider's code) is
 * recorded by an activity, never from workflow code.
 */
export async function deliverEmail(input: DeliverEmailInput): Promise<'sent' | 'failed' | 'already_done'> {
  const { deliver } = proxyActivities<Activities>({
    // One SendEmail call (connect 5 s, answer 20 s) and the reads around it.
    startToCloseTimeout: '45 seconds',
    retry: {
      initialInterval: input.retry.initialIntervalMs,
      backoffCoefficient: 2,
      maximumInterval: input.retry.maximumIntervalMs,
      maximumAttempts: input.retry.maximumAttempts,
      nonRetryableErrorTypes: [PERMANENT_FAILURE, 'AlreadyDone'],
    },
  });
  const { emailId, correlationId } = input;
  let sent;
  try {
    sent = await deliver({ emailId, correlationId });
  } catch (error) {
    const cause = error instanceof ActivityFailure ? error.cause : error;
    if (cause instanceof ApplicationFailure && cause.type === 'AlreadyDone') return 'already_done';
    const [code, message, responseCode, attempt] = cause instanceof ApplicationFailure ? (cause.details ?? []) : [];
    await bookkeeping.markFailed({
      emailId,
      correlationId,
      providerCode: typeof code === 'string' ? code : 'unknown',
      providerMessage: typeof message === 'string' ? message : String((cause as Error | undefined)?.message ?? 'delivery failed'),
      responseCode: typeof responseCode === 'number' ? responseCode : 0,
      permanent: cause instanceof ApplicationFailure && cause.type === PERMANENT_FAILURE,
      attempts: typeof attempt === 'number' ? attempt : input.retry.maximumAttempts,
    });
    return 'failed';
  }
  await bookkeeping.markSent({ emailId, correlationId, ...sent });
  return 'sent';
}
