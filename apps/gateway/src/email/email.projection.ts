import { timestampDate } from '@bufbuild/protobuf/wkt';
import type { emailV1 } from '@opsledger/contracts';
import { formatActor, type Projection, type StoredEvent } from '@opsledger/eventstore';
import { sql, type Transaction } from 'kysely';
import type { EmailTables, TemplateTokenJson } from './email-tables';
import { emailMigrations } from './email.migrations';

type EmailEvent = emailV1.TemplateEvent | emailV1.EmailEvent | emailV1.LogPruneEvent;

const time = (ts: { seconds: bigint; nanos: number } | undefined, fallback: Date) => (ts ? timestampDate(ts as never) : fallback);
const tokensOf = (content: emailV1.TemplateContent | undefined): TemplateTokenJson[] =>
  (content?.tokens ?? []).map((t) => ({ path: t.path, description: t.description, sampleJson: t.sampleJson }));
const json = (value: unknown) => JSON.stringify(value);

/**
 * The EMAIL stream as two pages read it: each template with its current
 * version and every version it had (Email Templates), and every outgoing
 * email with the body exactly as sent and how its delivery went (Email Log).
 * Each event applies idempotently on replay. Settings → Retention's prune
 * (EmailLogPruned) purged old emails' events; their rows go with them.
 */
export function emailProjection(schema: string): Projection<EmailTables> {
  return {
    name: 'email',
    context: 'email',
    schema,
    migrations: emailMigrations,
    tables: ['email_template', 'email_template_version', 'email_log'],
    async apply(trx, events) {
      for (const event of events) await applyOne(trx, event);
    },
  };
}

async function applyOne(trx: Transaction<EmailTables>, event: StoredEvent): Promise<void> {
  const data = event.data as EmailEvent;
  const by = formatActor(event.actor);
  switch (data.$typeName) {
    case 'platform.email.v1.DefaultTemplateRegistered':
    case 'platform.email.v1.TemplateCreated': {
      const at = time(data.at, event.occurredAt);
      const content = { subject: data.content?.subject ?? '', html: data.content?.html ?? '', tokens: json(tokensOf(data.content)) };
      const origin = data.$typeName === 'platform.email.v1.DefaultTemplateRegistered' ? 'default' : 'custom';
      await trx
        .insertInto('email_template')
        .values({
          name: data.name,
          description: data.description,
          origin,
          version: data.version,
          ...content,
          created_at: at,
          updated_at: at,
          updated_by: by,
        })
        .onConflict((oc) => oc.column('name').doNothing())
        .execute();
      await addVersion(trx, data.name, data.version, origin === 'default' ? 'registered' : 'created', content, at, by);
      return;
    }
    case 'platform.email.v1.TemplateEdited':
    case 'platform.email.v1.TemplateReset': {
      const at = time(data.at, event.occurredAt);
      const content = { subject: data.content?.subject ?? '', html: data.content?.html ?? '', tokens: json(tokensOf(data.content)) };
      await trx
        .updateTable('email_template')
        .set({ version: data.version, ...content, updated_at: at, updated_by: by })
        .where('name', '=', data.name)
        .where('version', '<', data.version)
        .execute();
      await addVersion(
        trx,
        data.name,
        data.version,
        data.$typeName === 'platform.email.v1.TemplateReset' ? 'reset' : 'edited',
        content,
        at,
        by,
      );
      return;
    }
    case 'platform.email.v1.EmailQueued': {
      const at = time(data.queuedAt, event.occurredAt);
      await trx
        .insertInto('email_log')
        .values({
          id: data.emailId,
          to_address: data.to,
          template: data.template,
          template_version: data.templateVersion,
          subject: data.subject,
          html: data.html,
          status: 'queued',
          attempts: 0,
          attempt_failures: json([]),
          correlation_id: data.correlationId || event.correlationId || event.id,
          caused_by_event_type: data.causedByEventType || null,
          caused_by_event_id: data.causedByEventId || null,
          test: data.test,
          created_at: at,
          updated_at: at,
        })
        .onConflict((oc) => oc.column('id').doNothing())
        .execute();
      return;
    }
    case 'platform.email.v1.EmailAttemptFailed': {
      const attempt = {
        attempt: data.attempt,
        providerCode: data.providerCode,
        providerMessage: data.providerMessage,
        responseCode: data.responseCode,
        at: time(data.at, event.occurredAt).toISOString(),
      };
      // Idempotent on replay: an attempt already listed is not listed again.
      await trx
        .updateTable('email_log')
        .set({
          attempts: sql`greatest(attempts, ${data.attempt})`,
          attempt_failures: sql`attempt_failures || ${json([attempt])}::jsonb`,
          provider_code: data.providerCode,
          provider_message: data.providerMessage,
          response_code: data.responseCode,
          updated_at: event.occurredAt,
        })
        .where('id', '=', data.emailId)
        .where('status', '=', 'queued')
        .where(sql<boolean>`not attempt_failures @> ${json([{ attempt: data.attempt }])}::jsonb`)
        .execute();
      return;
    }
    case 'platform.email.v1.EmailSent': {
      const at = time(data.sentAt, event.occurredAt);
      await trx
        .updateTable('email_log')
        .set({
          status: 'sent',
          attempts: data.attempts,
          from_address: data.from,
          provider_message_id: data.providerMessageId,
          provider_code: null,
          provider_message: null,
          response_code: data.responseCode,
          permanent: null,
          finished_at: at,
          updated_at: at,
        })
        .where('id', '=', data.emailId)
        .execute();
      return;
    }
    case 'platform.email.v1.EmailFailed': {
      const at = time(data.failedAt, event.occurredAt);
      await trx
        .updateTable('email_log')
        .set({
          status: 'failed',
          attempts: data.attempts,
          provider_code: data.providerCode,
          provider_message: data.providerMessage,
          response_code: data.responseCode,
          permanent: data.permanent,
          finished_at: at,
          updated_at: at,
        })
        .where('id', '=', data.emailId)
        .execute();
      return;
    }
    case 'platform.email.v1.EmailLogPruned': {
      // An email is queued at its own time, never days before its event, so a prune in the same batch as an
      // insert cannot drop one that stream order would have kept.
      if (data.before) await trx.deleteFrom('email_log').where('created_at', '<', timestampDate(data.before)).execute();
      return;
    }
    default: {
      const never: never = data;
      throw new Error(`email cannot project ${(never as { $typeName: string }).$typeName}`);
    }
  }
}

async function addVersion(
  trx: Transaction<EmailTables>,
  name: string,
  version: number,
  change: 'registered' | 'created' | 'edited' | 'reset',
  content: { subject: string; html: string; tokens: string },
  at: Date,
  by: string,
) {
  await trx
    .insertInto('email_template_version')
    .values({ name, version, change, ...content, saved_at: at, saved_by: by })
    .onConflict((oc) => oc.columns(['name', 'version']).doNothing())
    .execute();
}
