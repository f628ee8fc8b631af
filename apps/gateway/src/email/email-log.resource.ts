import { z } from 'zod';
import type { ResourceSpec } from '../api/list/resource-spec';
import type { EmailLogRow } from './email-tables';

const time = z.iso
  .datetime({ offset: true, error: 'must be an ISO 8601 time with its offset, e.g. 2026-11-21T10:00:00Z' })
  .transform((v) => new Date(v));

/** The Email Log list: newest first, filtered by recipient, template, status, correlation and time (each served by an index). */
export const emailLogResource: ResourceSpec<EmailLogRow> = {
  resource: 'email-log',
  table: 'email_log',
  idColumn: 'id',
  filters: {
    to: { column: 'to_address', op: 'eq', schema: z.email('must be an email address').transform((e) => e.toLowerCase()) },
    template: { column: 'template', op: 'eq', schema: z.string().min(1).max(64) },
    status: { column: 'status', op: 'eq', schema: z.enum(['queued', 'sent', 'failed'], 'must be queued, sent or failed') },
    correlationId: { column: 'correlation_id', op: 'eq', schema: z.string().min(1).max(128) },
    test: { column: 'test', op: 'eq', schema: z.boolean('must be true or false') },
    createdAt_gte: { column: 'created_at', op: 'gte', schema: time },
    createdAt_lte: { column: 'created_at', op: 'lte', schema: time },
  },
  sortable: { createdAt: 'created_at' },
  defaultSort: ['createdAt', 'DESC'],
  keysetSorts: ['createdAt'],
  toJson: (row) => ({
    id: row.id,
    to: row.to_address,
    template: row.template,
    templateVersion: row.template_version,
    subject: row.subject,
    status: row.status,
    attempts: row.attempts,
    providerCode: row.provider_code,
    responseCode: row.response_code,
    permanent: row.permanent,
    providerMessageId: row.provider_message_id,
    correlationId: row.correlation_id,
    test: row.test,
    createdAt: row.created_at,
    finishedAt: row.finished_at,
  }),
  csv: [
    ['id', 'id'],
    ['created_at', 'createdAt'],
    ['to', 'to'],
    ['template', 'template'],
    ['template_version', 'templateVersion'],
    ['subject', 'subject'],
    ['status', 'status'],
    ['attempts', 'attempts'],
    ['provider_code', 'providerCode'],
    ['response_code', 'responseCode'],
    ['provider_message_id', 'providerMessageId'],
    ['correlation_id', 'correlationId'],
    ['finished_at', 'finishedAt'],
  ],
};
