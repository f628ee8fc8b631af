import type { StoredEvent } from '@opsledger/eventstore';
import { NotFoundError, ValidationError } from '@opsledger/messaging';
import { TemplateNotFound } from '../domain/template.decider';
import { RenderFailure } from '../domain/template-render';
import { queueEmail, type QueueDeps } from '../commands/queue-email';

/** What the platform's own emails are sent with, when an event of another context calls for one. */
export interface ReactionDeps extends QueueDeps {
  /** Events older than this cause no email (a lookup rebuilt from an old stream must not mail its history). */
  maxAgeMs: number;
  consoleUrl: string;
  log: (level: 'info' | 'warn', message: string, fields: Record<string, unknown>) => void;
}

const SYSTEM = { actor: { kind: 'system' as const, id: 'email' }, source: 'system' as const };

/** `2026-11-24 09:30 UTC`: how the platform's emails write a time (templates have no date helper). */
export const emailTime = (at: Date) => `${at.toISOString().slice(0, 16).replace('T', ' ')} UTC`;

/**
 * Queues one of the platform's emails for `event`, in its correlation (its
 * own, else the event's id) and naming it as the cause; the email's id comes
 * from the cause, so a replayed event queues nothing new. A template missing
 * or data that does not render it is logged, not retried: the event is not
 * at fault and the lookups must go on.
 */
export async function sendFor(
  deps: ReactionDeps,
  event: StoredEvent,
  email: { template: string; to: string; data: Record<string, unknown> },
): Promise<void> {
  const fields = { template: email.template, eventType: event.type, eventId: event.id };
  if (Date.now() - event.occurredAt.getTime() > deps.maxAgeMs)
    return deps.log('info', 'event too old to send an email for; skipped', { ...fields, occurredAt: event.occurredAt.toISOString() });
  try {
    const correlationId = event.correlationId ?? event.id;
    await queueEmail(
      deps,
      { ...email, correlationId, causedBy: { eventType: event.type, eventId: event.id } },
      { ...SYSTEM, correlationId },
    );
  } catch (error) {
    if (
      error instanceof TemplateNotFound ||
      error instanceof RenderFailure ||
      error instanceof ValidationError ||
      error instanceof NotFoundError
    ) {
      return deps.log('warn', 'email not queued', { ...fields, error: (error as Error).message });
    }
    throw error;
  }
}
