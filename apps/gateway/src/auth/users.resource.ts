import { z } from 'zod';
import type { ResourceSpec } from '../api/list/resource-spec';
import type { UserRow } from './identity-tables';

/** The Team page's list: every account but never its password hash; staff only (no owner column). */
export const usersResource: ResourceSpec<UserRow> = {
  resource: 'users',
  table: 'user_account',
  idColumn: 'id',
  filters: {
    role: { column: 'role', op: 'eq', schema: z.enum(['admin', 'customer'], 'must be admin or customer') },
    disabled: { column: 'disabled', op: 'eq', schema: z.boolean('must be true or false') },
    email: { column: 'email', op: 'eq', schema: z.email('must be an email address').transform((e) => e.toLowerCase()) },
  },
  search: ['email', 'name'],
  sortable: { createdAt: 'created_at', email: 'email', name: 'name' },
  defaultSort: ['createdAt', 'DESC'],
  keysetSorts: ['createdAt'],
  toJson: (row) => ({
    id: row.id,
    email: row.email,
    name: row.name,
    role: row.role,
    disabled: row.disabled,
    createdAt: row.created_at,
  }),
  csv: [
    ['id', 'id'],
    ['email', 'email'],
    ['name', 'name'],
    ['role', 'role'],
    ['disabled', 'disabled'],
    ['created_at', 'createdAt'],
  ],
};
