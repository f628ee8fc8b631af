import { create } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { emailV1 } from '@opsledger/contracts';
import { deciderSpec } from '@opsledger/testing/decider-spec';
import { describe, it } from 'vitest';
import { type EmailCommand, emailDecider, EmailNotFound } from './email.decider';
import type { EmailEvent } from './email.events';

const now = new Date('2026-11-24T09:00:00Z');
const at = timestampFromDate(now);
const spec = deciderSpec<ReturnType<typeof emailDecider.initialState>, EmailCommand, EmailEvent>(emailDecider);

const queue: EmailCommand = {
  kind: 'QueueEmail',
  emailId: 'e1',
  template: 'instance.suspended',
  templateVersion: 3,
  to: 'client@example.test',
  subject: 'Your hosting is suspended',
  html: '<p>Suspended</p>',
  correlationId: 'click-1',
  causedBy: { eventType: 'platform.provisioning.v1.ActionSucceeded', eventId: 'ev-1' },
  test: false,
  now,
};
const queued = create(emailV1.EmailQueuedSchema, {
  emailId: 'e1',
  template: 'instance.suspended',
  templateVersion: 3,
  to: 'client@example.test',
  subject: 'Your hosting is suspended',
  html: '<p>Suspended</p>',
  correlationId: 'click-1',
  causedByEventType: 'platform.provisioning.v1.ActionSucceeded',
  causedByEventId: 'ev-1',
  test: false,
  queuedAt: at,
});
const throttled = create(emailV1.EmailAttemptFailedSchema, {
  emailId: 'e1',
  attempt: 1,
  providerCode: 'TooManyRequestsException',
  providerMessage: 'Maximum sending rate exceeded.',
  responseCode: 429,
  at,
});
const sent = create(emailV1.EmailSentSchema, {
  emailId: 'e1',
  providerMessageId: 'm-1',
  responseCode: 200,
  attempts: 2,
  from: 'ops@x.test',
  sentAt: at,
});
const markSent: EmailCommand = { kind: 'MarkSent', providerMessageId: 'm-1', responseCode: 200, attempts: 2, from: 'ops@x.test', now };
const markFailed: EmailCommand = {
  kind: 'MarkFailed',
  providerCode: 'MessageRejected',
  providerMessage: 'Email address is not verified.',
  responseCode: 400,
  permanent: true,
  attempts: 1,
  now,
};

describe('email decider', () => {
  it('queues once: the same email queued again (its cause replayed) changes nothing', () => {
    spec([]).when(queue).then([queued]);
    spec([queued]).when(queue).then([]);
  });

  it('a throttled attempt, then sent', () => {
    spec([queued])
      .when({
        kind: 'RecordAttemptFailure',
        attempt: 1,
        providerCode: 'TooManyRequestsException',
        providerMessage: 'Maximum sending rate exceeded.',
        responseCode: 429,
        now,
      })
      .then([throttled]);
    spec([queued, throttled]).when(markSent).then([sent]);
  });

  it('a permanent failure, with the provider’s code and message', () => {
    spec([queued])
      .when(markFailed)
      .then([
        create(emailV1.EmailFailedSchema, {
          emailId: 'e1',
          providerCode: 'MessageRejected',
          providerMessage: 'Email address is not verified.',
          responseCode: 400,
          permanent: true,
          attempts: 1,
          failedAt: at,
        }),
      ]);
  });

  it('one outcome only: a repeat, or the other outcome after one, changes nothing', () => {
    spec([queued, sent]).when(markSent).then([]);
    spec([queued, sent]).when(markFailed).then([]);
    spec([queued, sent])
      .when({ kind: 'RecordAttemptFailure', attempt: 3, providerCode: 'x', providerMessage: 'y', responseCode: 500, now })
      .then([]);
  });

  it('an email that was never queued has no outcome', () => {
    spec([]).when(markSent).thenThrows(EmailNotFound);
  });
});
