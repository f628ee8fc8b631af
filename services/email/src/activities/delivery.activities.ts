import type { AppendContext, EventStore } from '@opsledger/eventstore';
import { activityInfo, ApplicationFailure } from '@temporalio/activity';
import { executeEmailCommand, loadEmail } from '../commands/execute';
import { classifyDeliveryError, type DeliveryFailure } from '../domain/delivery-failure';
import { currentProvider, type ProviderDeps, sendThroughProvider, UnreadableCredentials } from './provider';

export interface DeliveryActivityDeps extends ProviderDeps {
  store: EventStore;
  newId: () => string;
  now: () => Date;
  log?: (level: 'info' | 'warn', message: string, fields: Record<string, unknown>) => void;
}

export interface DeliveryInput {
  emailId: string;
  /** The email's correlation id, onto every event the delivery appends. */
  correlationId?: string;
}

const WORKER = { actor: { kind: 'system' as const, id: 'email-worker' }, source: 'system' as const };
const contextOf = (input: DeliveryInput): AppendContext =>
  input.correlationId ? { ...WORKER, correlationId: input.correlationId } : WORKER;

// Types the workflow knows by name (strings, not imports, keep workflow code free of activity code).
const PERMANENT_FAILURE = 'PermanentDeliveryFailure';
const TRANSIENT_FAILURE = 'TransientDeliveryFailure';

/** The delivery workflow's activities, closed over their dependencies. */
export function createDeliveryActivities(deps: DeliveryActivityDeps) {
  return {
    /**
     * One attempt: the email as queued, through the provider Settings → Email
     * names now. A transient failure is recorded (EmailAttemptFailed) and
     * thrown for Temporal to retry; a permanent one is thrown not to be.
     * The outcome itself is recorded by markSent / markFailed.
     */
    async deliver(input: DeliveryInput): Promise<{ providerMessageId: string; responseCode: number; from: string; attempts: number }> {
      const { attempt } = activityInfo();
      const { state } = await loadEmail(deps.store, input.emailId);
      if (state.status === 'absent') throw ApplicationFailure.nonRetryable(`email ${input.emailId} not found`, 'AlreadyDone');
      // A replayed workflow (or an activity retried after the outcome was stored) sends nothing again.
      if (state.status !== 'queued')
        throw ApplicationFailure.nonRetryable(`email ${input.emailId} is already ${state.status}`, 'AlreadyDone');
      let provider;
      try {
        provider = await currentProvider(deps);
      } catch (error) {
        if (error instanceof UnreadableCredentials)
          throw failure({ code: error.name, message: error.message, responseCode: 0, permanent: true, kind: 'bad_credentials' }, attempt);
        throw error;
      }
      try {
        const sent = await sendThroughProvider(provider, { to: state.to, subject: state.subject, html: state.html });
        return { providerMessageId: sent.messageId, responseCode: sent.responseCode, from: provider.sender, attempts: attempt };
      } catch (error) {
        const classified = classifyDeliveryError(error);
        deps.log?.(classified.permanent ? 'warn' : 'info', 'delivery attempt failed', {
          emailId: input.emailId,
          attempt,
          code: classified.code,
          permanent: classified.permanent,
        });
        if (!classified.permanent) {
          // Best effort: the Email Log shows each retry; a failure to record one must not change what Temporal does next.
          await executeEmailCommand(
            deps,
            input.emailId,
            {
              kind: 'RecordAttemptFailure',
              attempt,
              providerCode: classified.code,
              providerMessage: classified.message,
              responseCode: classified.responseCode,
              now: deps.now(),
            },
            contextOf(input),
          ).catch(() => undefined);
        }
        throw failure(classified, attempt);
      }
    },

    async markSent(input: DeliveryInput & { providerMessageId: string; responseCode: number; from: string; attempts: number }) {
      await executeEmailCommand(
        deps,
        input.emailId,
        {
          kind: 'MarkSent',
          providerMessageId: input.providerMessageId,
          responseCode: input.responseCode,
          attempts: input.attempts,
          from: input.from,
          now: deps.now(),
        },
        contextOf(input),
      );
    },

    async markFailed(
      input: DeliveryInput & { providerCode: string; providerMessage: string; responseCode: number; permanent: boolean; attempts: number },
    ) {
      await executeEmailCommand(
        deps,
        input.emailId,
        {
          kind: 'MarkFailed',
          providerCode: input.providerCode,
          providerMessage: input.providerMessage,
          responseCode: input.responseCode,
          permanent: input.permanent,
          attempts: input.attempts,
          now: deps.now(),
        },
        contextOf(input),
      );
    },
  };
}

/** A failed attempt as Temporal sees it, with what the workflow records if it is the last. */
function failure(f: DeliveryFailure, attempt: number) {
  return ApplicationFailure.create({
    message: `${f.code}: ${f.message}`,
    type: f.permanent ? PERMANENT_FAILURE : TRANSIENT_FAILURE,
    nonRetryable: f.permanent,
    details: [f.code, f.message, f.responseCode, attempt],
  });
}
