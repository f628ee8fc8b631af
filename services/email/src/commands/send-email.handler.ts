import { emailV1 } from '@opsledger/contracts';
import { actorSchema, type CommandHandler, isCorrelationId } from '@opsledger/messaging';
import { commandContext } from '@opsledger/service-runtime';
import { z } from 'zod';
import { withTemplateErrors } from './execute';
import { queueEmail, type QueueDeps } from './queue-email';
import { recipientSchema, templateNameSchema } from './schemas';

export const sendEmailSchema = z.object({
  actor: actorSchema,
  template: templateNameSchema,
  to: recipientSchema,
  data: z.record(z.string(), z.unknown()).optional(),
  correlationId: z.union([z.literal(''), z.string().refine(isCorrelationId, 'must be a token of letters, digits and ._:- (at most 128)')]),
  causedByEventType: z.string().max(200),
  causedByEventId: z.union([z.literal(''), z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be an event id')]),
});

/**
 * "email.send" (cmd.email.send-email), for every service: renders the
 * template's current version with the data and queues it; delivery follows
 * on Temporal. Answered once queued. A template that does not exist is 404;
 * data that does not render it (a token missing) is 400 naming what is
 * missing, and nothing is queued. With caused_by_event_id, a repeated send
 * for the same cause queues one email.
 */
export function sendEmailHandler(
  deps: QueueDeps,
): CommandHandler<typeof emailV1.SendEmailCommand.command, typeof emailV1.SendEmailCommand.result> {
  return {
    definition: emailV1.SendEmailCommand,
    schema: sendEmailSchema,
    async handle(command, meta) {
      const result = await withTemplateErrors(() =>
        queueEmail(
          deps,
          {
            template: command.template,
            to: command.to,
            data: command.data ?? {},
            correlationId: command.correlationId,
            ...(command.causedByEventId ? { causedBy: { eventType: command.causedByEventType, eventId: command.causedByEventId } } : {}),
          },
          commandContext(command, meta),
        ),
      );
      return { emailId: result.emailId, templateVersion: result.templateVersion, correlationId: result.correlationId };
    },
  };
}
