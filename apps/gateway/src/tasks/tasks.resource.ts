import { taskTypeNames } from '@opsledger/contracts';
import { z } from 'zod';
import type { TaskRow } from './task-tables';
import { csvPlain, csvText, csvTime } from '../api/list/csv-columns';
import type { ResourceSpec } from '../api/list/resource-spec';

const id = z.string().min(1).max(64);
const time = z.iso
  .datetime({ offset: true, error: 'must be an ISO 8601 time with its offset, e.g. 2026-11-21T10:00:00Z' })
  .transform((v) => new Date(v));

/** The Tasks list: what it may be filtered and sorted by, and how a row reads as JSON. */
export const tasksResource: ResourceSpec<TaskRow> = {
  resource: 'tasks',
  table: 'task',
  idColumn: 'id',
  ownerColumn: 'user_id',
  filters: {
    type: { column: 'type', op: 'eq', schema: z.enum(taskTypeNames, `must be one of ${taskTypeNames.join(', ')}`) },
    status: { column: 'status', op: 'eq', schema: z.enum(['pending', 'running', 'completed', 'failed', 'cancelled']) },
    userId: { column: 'user_id', op: 'eq', schema: id },
    hypervisorId: { column: 'hypervisor_id', op: 'eq', schema: id },
    instanceId: { column: 'instance_id', op: 'eq', schema: id },
    createdAt_gte: { column: 'created_at', op: 'gte', schema: time },
    createdAt_lte: { column: 'created_at', op: 'lte', schema: time },
  },
  // No free-text `q`: the page does not offer one, its exact filters (type, instanceId, hypervisorId) are indexed, and a
  // substring match over millions of tasks would read them all. `q` is refused, naming the filters there are.
  sortable: { createdAt: 'created_at', updatedAt: 'updated_at', type: 'type', status: 'status', progress: 'progress' },
  defaultSort: ['createdAt', 'DESC'],
  keysetSorts: ['createdAt'],
  toJson: (row) => ({
    id: row.id,
    type: row.type,
    status: row.status,
    progress: row.progress,
    attempt: row.attempt,
    target: { userId: row.user_id, hypervisorId: row.hypervisor_id, instanceId: row.instance_id },
    userId: row.user_id,
    hypervisorId: row.hypervisor_id,
    instanceId: row.instance_id,
    error: row.error,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    version: row.version,
  }),
  csv: [
    ['id', 'id', csvText('id')],
    ['type', 'type', csvText('type')],
    ['status', 'status', csvText('status')],
    ['progress', 'progress', csvPlain('progress')],
    ['attempt', 'attempt', csvPlain('attempt')],
    ['user_id', 'userId', csvText('user_id')],
    ['hypervisor_id', 'hypervisorId', csvText('hypervisor_id')],
    ['instance_id', 'instanceId', csvText('instance_id')],
    ['error', 'error', csvText('error')],
    ['created_at', 'createdAt', csvTime('created_at')],
    ['updated_at', 'updatedAt', csvTime('updated_at')],
  ],
};
