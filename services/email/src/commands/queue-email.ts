import type { AppendContext, EventStore } from '@opsledger/eventstore';
import { v5 as uuidv5 } from 'uuid';
import { TemplateNotFound } from '../domain/template.decider';
import { renderTemplate } from '../domain/template-render';
import { executeEmailCommand, loadTemplate } from './execute';

export interface QueueDeps {
  store: EventStore;
  newId: () => string;
  now: () => Date;
}

export interface EmailToQueue {
  template: string;
  to: string;
  data: Record<string, unknown>;
  /** The click or job it belongs to: the cause's, else the command's, else the email's own id. */
  correlationId?: string;
  /** The event that caused it: with it, the email's id comes from the cause, so a replayed cause queues nothing new. */
  causedBy?: { eventType: string; eventId: string };
  test?: boolean;
}

const EMAIL_ID_NAMESPACE = 'b1f3d0f4-5c39-4f7e-9d2a-6a4e0c1c7e10';

/** One email per cause, template and recipient: the same id however often the cause is replayed. */
export const emailIdFor = (causeEventId: string, template: string, to: string) =>
  uuidv5(`${causeEventId}:${template}:${to}`, EMAIL_ID_NAMESPACE);

/**
 * Renders the template's current version with the data and records the email
 * as queued (EmailQueued): exactly the subject and body that will be sent.
 * The delivery workflow starts from that event. Throws TemplateNotFound, or
 * RenderFailure when the data does not render the template.
 */
export async function queueEmail(deps: QueueDeps, email: EmailToQueue, ctx: AppendContext) {
  const { state: template } = await loadTemplate(deps.store, email.template);
  if (template.status === 'absent') throw new TemplateNotFound(`no email template ${email.template}`);
  const rendered = renderTemplate(template.content, email.data);
  const to = email.to.toLowerCase();
  const emailId = email.causedBy ? emailIdFor(email.causedBy.eventId, email.template, to) : deps.newId();
  const correlationId = email.correlationId || ctx.correlationId || emailId;
  const { version } = await executeEmailCommand(
    deps,
    emailId,
    {
      kind: 'QueueEmail',
      emailId,
      template: email.template,
      templateVersion: template.version,
      to,
      subject: rendered.subject,
      html: rendered.html,
      correlationId,
      ...(email.causedBy ? { causedBy: email.causedBy } : {}),
      test: email.test ?? false,
      now: deps.now(),
    },
    { ...ctx, correlationId },
  );
  return { emailId, templateVersion: template.version, correlationId, version };
}
