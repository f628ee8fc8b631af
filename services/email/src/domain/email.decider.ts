import { create } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { emailV1 } from '@opsledger/contracts';
import { AggregateNotFound } from '@opsledger/eventstore';
import type { EmailCommand } from './email.commands';
import { type EmailEvent, type EmailState, evolve, initialEmailState } from './email.events';

export type { EmailCommand } from './email.commands';

/** No email with that id (404). */
export class EmailNotFound extends AggregateNotFound {}

/**
 * Rules of one outgoing email: queued once (a second queue of the same id —
 * its cause replayed — changes nothing); then at most one outcome, sent or
 * failed, and failed attempts only while it is still on its way. A repeat
 * of any of them (an activity retried after its event was stored) changes nothing.
 */
export function decide(state: EmailState, command: EmailCommand): EmailEvent[] {
  const at = timestampFromDate(command.now);
  if (command.kind === 'QueueEmail') {
    if (state.status !== 'absent') return [];
    const { kind: _kind, now: _now, causedBy, ...fields } = command;
    return [
      create(emailV1.EmailQueuedSchema, {
        ...fields,
        causedByEventType: causedBy?.eventType ?? '',
        causedByEventId: causedBy?.eventId ?? '',
        queuedAt: at,
      }),
    ];
  }
  if (state.status === 'absent') throw new EmailNotFound('email not found');
  if (state.status !== 'queued') return [];
  const { emailId } = state;
  switch (command.kind) {
    case 'RecordAttemptFailure': {
      const { kind: _kind, now: _now, ...fields } = command;
      return [create(emailV1.EmailAttemptFailedSchema, { emailId, ...fields, at })];
    }
    case 'MarkSent': {
      const { kind: _kind, now: _now, ...fields } = command;
      return [create(emailV1.EmailSentSchema, { emailId, ...fields, sentAt: at })];
    }
    case 'MarkFailed': {
      const { kind: _kind, now: _now, ...fields } = command;
      return [create(emailV1.EmailFailedSchema, { emailId, ...fields, failedAt: at })];
    }
    default: {
      const never: never = command;
      throw new Error(`unknown command ${JSON.stringify(never)}`);
    }
  }
}

/** The email's rules as one value. */
export const emailDecider = { initialState: initialEmailState, evolve, decide };
