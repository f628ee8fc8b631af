import type { emailV1 } from '@opsledger/contracts';

/** Events of one outgoing email, as their protobuf messages. */
export type EmailEvent = emailV1.EmailEvent;

export type EmailState =
  | { status: 'absent' }
  | {
      status: 'queued' | 'sent' | 'failed';
      emailId: string;
      to: string;
      subject: string;
      html: string;
      template: string;
      templateVersion: number;
      correlationId: string;
      /** Failed attempts so far (each a retry Temporal makes). */
      failedAttempts: number;
      outcome?: { providerMessageId?: string; providerCode?: string; providerMessage?: string; responseCode: number; permanent?: boolean };
    };

export const initialEmailState = (): EmailState => ({ status: 'absent' });

/** Folds one event into the email's state. Pure. */
export function evolve(state: EmailState, event: EmailEvent): EmailState {
  if (event.$typeName === 'platform.email.v1.EmailQueued') {
    return {
      status: 'queued',
      emailId: event.emailId,
      to: event.to,
      subject: event.subject,
      html: event.html,
      template: event.template,
      templateVersion: event.templateVersion,
      correlationId: event.correlationId,
      failedAttempts: 0,
    };
  }
  if (state.status === 'absent') return state;
  switch (event.$typeName) {
    case 'platform.email.v1.EmailAttemptFailed':
      return { ...state, failedAttempts: state.failedAttempts + 1 };
    case 'platform.email.v1.EmailSent':
      return { ...state, status: 'sent', outcome: { providerMessageId: event.providerMessageId, responseCode: event.responseCode } };
    case 'platform.email.v1.EmailFailed':
      return {
        ...state,
        status: 'failed',
        outcome: {
          providerCode: event.providerCode,
          providerMessage: event.providerMessage,
          responseCode: event.responseCode,
          permanent: event.permanent,
        },
      };
    default: {
      const never: never = event;
      return never;
    }
  }
}
