import { z } from 'zod';
import type { PanelServerRow } from './services.projection';
import type { ResourceSpec } from '../api/list/resource-spec';

/** Hosting panels; the API token is not a column, so no list, record or export can show it. */
export const panelServersResource: ResourceSpec<PanelServerRow> = {
  resource: 'panel-servers',
  table: 'panel_server',
  idColumn: 'id',
  filters: {
    // react-admin's getMany (a service's panel server shown by name) asks for {"id": [...]}.
    id: { column: 'id', op: 'in', schema: z.array(z.string().min(1).max(64)).min(1).max(100) },
  },
  search: ['name', 'api_url'],
  sortable: { createdAt: 'created_at', name: 'name' },
  defaultSort: ['createdAt', 'DESC'],
  keysetSorts: ['createdAt'],
  toJson: (row) => ({
    id: row.id,
    name: row.name,
    apiUrl: row.api_url,
    tlsVerify: row.tls_verify,
    timeoutMs: row.timeout_ms,
    createdAt: row.created_at,
  }),
  csv: [
    ['id', 'id'],
    ['name', 'name'],
    ['api_url', 'apiUrl'],
    ['tls_verify', 'tlsVerify'],
    ['timeout_ms', 'timeoutMs'],
    ['created_at', 'createdAt'],
  ],
};
