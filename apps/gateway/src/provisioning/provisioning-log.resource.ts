import { provisioningV1 } from '@opsledger/contracts';
import { z } from 'zod';
import type { ProvisioningLogRow } from './provisioning-log.projection';
import { csvPlain, csvText, csvTime } from '../api/list/csv-columns';
import type { ResourceSpec } from '../api/list/resource-spec';

const time = z.iso
  .datetime({ offset: true, error: 'must be an ISO 8601 time with its offset, e.g. 2026-11-21T10:00:00Z' })
  .transform((v) => new Date(v));

/** The Provisioning Log list: newest first, filtered by domain/client text, action, status, service and time. */
export const provisioningLogResource: ResourceSpec<ProvisioningLogRow> = {
  resource: 'provisioning-log',
  table: 'provisioning_log',
  idColumn: 'id',
  filters: {
    action: {
      column: 'action',
      op: 'eq',
      schema: z.enum(Object.keys(provisioningV1.provisioningActionByName) as [provisioningV1.ProvisioningActionName]),
    },
    status: { column: 'status', op: 'eq', schema: z.enum(['success', 'failed']) },
    serviceId: { column: 'service_id', op: 'eq', schema: z.string().min(1).max(64) },
    createdAt_gte: { column: 'created_at', op: 'gte', schema: time },
    createdAt_lte: { column: 'created_at', op: 'lte', schema: time },
  },
  search: ['domain', 'client_name'],
  searchSubjects: {
    table: 'provisioning_log_subject',
    key: 'service_id',
    counts: { table: 'provisioning_log_subject_attempts', column: 'attempts', on: ['service_id', 'domain', 'client_name'] },
  },
  sortable: { createdAt: 'created_at' },
  defaultSort: ['createdAt', 'DESC'],
  keysetSorts: ['createdAt'],
  toJson: (row) => ({
    id: row.id,
    serviceId: row.service_id,
    dispatchId: row.dispatch_id,
    domain: row.domain,
    clientName: row.client_name,
    action: row.action,
    attempt: row.attempt,
    status: row.status,
    durationMs: row.duration_ms,
    diagnosis: row.diagnosis_code ? { code: row.diagnosis_code, cause: row.cause, fix: row.fix } : null,
    createdAt: row.created_at,
  }),
  csv: [
    ['id', 'id', csvText('id')],
    ['created_at', 'createdAt', csvTime('created_at')],
    ['domain', 'domain', csvText('domain')],
    ['client', 'clientName', csvText('client_name')],
    ['action', 'action', csvText('action')],
    ['attempt', 'attempt', csvPlain('attempt')],
    ['status', 'status', csvText('status')],
    ['duration_ms', 'durationMs', csvPlain('duration_ms')],
  ],
};
