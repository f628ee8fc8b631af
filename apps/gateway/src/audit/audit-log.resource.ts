import { z } from 'zod';
import type { FilterSpec, ResourceSpec } from '../api/list/resource-spec';
import type { AuditEntryRow, DiffFieldJson } from './audit-tables';

const time = z.iso
  .datetime({ offset: true, error: 'must be an ISO 8601 time with its offset, e.g. 2026-11-21T10:00:00Z' })
  .transform((v) => new Date(v));
const token = z.string('must be text').min(1, 'must not be empty').max(200, 'must be at most 200 characters');
/** Printable ASCII, as actions are (`resource.verb`): the prefix's upper bound below relies on it. */
const actionText = token.regex(/^[\x20-\x7e]+$/, 'must be printable ASCII, e.g. user. or user.delete');

/** The last character there is: every ASCII action that starts with a prefix sorts (in C collation) before prefix + this. */
const PAST_ASCII = '\u{10FFFF}';

/** The diff as the API shows it: a sensitive field says only `changed`, with no value either side. */
export const diffJson = (diff: DiffFieldJson[]) =>
  diff.map((d) =>
    d.sensitive
      ? { field: d.field, sensitive: true, change: 'changed' }
      : { field: d.field, sensitive: false, oldValue: d.oldValue, newValue: d.newValue },
  );
/** The diff in one CSV cell: `field: old → new`, a sensitive field as `field: changed`. */
const diffText = (diff: DiffFieldJson[]) =>
  diff.map((d) => (d.sensitive ? `${d.field}: changed` : `${d.field}: ${d.oldValue || '∅'} → ${d.newValue || '∅'}`)).join('; ');

/**
 * The Audit Log list: newest first, filtered by actor, action (exact, or a
 * prefix such as `user.`), resource, source, correlation id and time, each
 * served by an index (audit.migrations.ts).
 */
export const auditLogResource: ResourceSpec<AuditEntryRow> = {
  resource: 'audit-log',
  table: 'audit_entry',
  idColumn: 'id',
  filters: {
    actorId: { column: 'actor_id', op: 'eq', schema: token },
    action: { column: 'action', op: 'eq', schema: actionText },
    // `action >= prefix and action <= prefix + U+10FFFF`: a range of the C-collated action index (see auditLogReadSpec).
    actionPrefix: { column: 'action', op: 'gte', schema: actionText },
    resourceType: { column: 'resource_type', op: 'eq', schema: token },
    resourceId: { column: 'resource_id', op: 'eq', schema: token },
    source: { column: 'source', op: 'eq', schema: z.enum(['console', 'api', 'cli', 'system'], 'must be console, api, cli or system') },
    correlationId: { column: 'correlation_id', op: 'eq', schema: token },
    from: { column: 'occurred_at', op: 'gte', schema: time },
    to: { column: 'occurred_at', op: 'lte', schema: time },
  },
  sortable: { occurredAt: 'occurred_at' },
  defaultSort: ['occurredAt', 'DESC'],
  keysetSorts: ['occurredAt'],
  toJson: (row) => ({
    id: row.id,
    sequence: Number(row.sequence),
    occurredAt: row.occurred_at,
    actorKind: row.actor_kind,
    actorId: row.actor_id,
    actorEmail: row.actor_email,
    actorRole: row.actor_role,
    source: row.source,
    clientIp: row.client_ip,
    osUser: row.os_user,
    host: row.host,
    action: row.action,
    resourceType: row.resource_type,
    resourceId: row.resource_id,
    correlationId: row.correlation_id,
    sourceEventType: row.source_event_type,
    diff: diffJson(row.diff),
    changes: diffText(row.diff),
  }),
  csv: [
    ['id', 'id'],
    ['sequence', 'sequence'],
    ['occurred_at', 'occurredAt'],
    ['actor_kind', 'actorKind'],
    ['actor_id', 'actorId'],
    ['actor_email', 'actorEmail'],
    ['actor_role', 'actorRole'],
    ['source', 'source'],
    ['client_ip', 'clientIp'],
    ['os_user', 'osUser'],
    ['host', 'host'],
    ['action', 'action'],
    ['resource_type', 'resourceType'],
    ['resource_id', 'resourceId'],
    ['correlation_id', 'correlationId'],
    ['changes', 'changes'],
  ],
};

/** The upper end of a prefix range: added by the controller after the request's filters are checked, never sent by a caller. */
const actionPrefixEnd: FilterSpec = { column: 'action', op: 'lte', schema: actionText };

/** The spec the reader queries with: the request's one, plus the prefix range's upper end. */
export const auditLogReadSpec: ResourceSpec<AuditEntryRow> = {
  ...auditLogResource,
  filters: { ...auditLogResource.filters, actionPrefixEnd },
};

/** A checked query's filters with the prefix turned into its range. */
export function withPrefixRange(filters: Record<string, unknown>): Record<string, unknown> {
  return typeof filters.actionPrefix === 'string' ? { ...filters, actionPrefixEnd: `${filters.actionPrefix}${PAST_ASCII}` } : filters;
}
