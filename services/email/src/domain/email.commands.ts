/**
 * Commands one outgoing email decides on. Time is given, never read from a
 * clock. The worker's commands are idempotent: a replayed activity changes nothing.
 */
export type EmailCommand =
  | {
      kind: 'QueueEmail';
      emailId: string;
      template: string;
      templateVersion: number;
      to: string;
      subject: string;
      html: string;
      correlationId: string;
      causedBy?: { eventType: string; eventId: string };
      test: boolean;
      now: Date;
    }
  | { kind: 'RecordAttemptFailure'; attempt: number; providerCode: string; providerMessage: string; responseCode: number; now: Date }
  | { kind: 'MarkSent'; providerMessageId: string; responseCode: number; attempts: number; from: string; now: Date }
  | {
      kind: 'MarkFailed';
      providerCode: string;
      providerMessage: string;
      responseCode: number;
      permanent: boolean;
      attempts: number;
      now: Date;
    };
