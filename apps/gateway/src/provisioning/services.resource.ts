import { z } from 'zod';
import type { ServiceRow } from './services.projection';
import type { ResourceSpec } from '../api/list/resource-spec';

/** Hosting accounts: searched by domain, client or username; filtered by state and panel server. */
export const servicesResource: ResourceSpec<ServiceRow> = {
  resource: 'services',
  table: 'service',
  idColumn: 'id',
  filters: {
    state: { column: 'state', op: 'eq', schema: z.enum(['pending', 'active', 'suspended', 'terminated']) },
    panelServerId: { column: 'panel_server_id', op: 'eq', schema: z.string().min(1).max(64) },
  },
  search: ['domain', 'client_name', 'username'],
  sortable: { createdAt: 'created_at', domain: 'domain', updatedAt: 'updated_at' },
  defaultSort: ['createdAt', 'DESC'],
  keysetSorts: ['createdAt'],
  toJson: (row) => ({
    id: row.id,
    domain: row.domain,
    clientName: row.client_name,
    clientEmail: row.client_email,
    username: row.username,
    package: row.package,
    panelServerId: row.panel_server_id,
    state: row.state,
    runningAction: row.running_action,
    lastAction: row.last_action,
    lastOutcome: row.last_outcome,
    lastDiagnosis: row.last_diagnosis,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  }),
  csv: [
    ['id', 'id'],
    ['domain', 'domain'],
    ['client', 'clientName'],
    ['client_email', 'clientEmail'],
    ['username', 'username'],
    ['package', 'package'],
    ['state', 'state'],
    ['created_at', 'createdAt'],
  ],
};
