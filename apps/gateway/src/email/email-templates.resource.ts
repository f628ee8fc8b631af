import { z } from 'zod';
import type { ResourceSpec } from '../api/list/resource-spec';
import type { EmailTemplateRow } from './email-tables';

/** The Email Templates list: each template's current version (without its body: the show view has it). */
export const emailTemplatesResource: ResourceSpec<EmailTemplateRow> = {
  resource: 'email-templates',
  table: 'email_template',
  idColumn: 'name',
  filters: {
    origin: { column: 'origin', op: 'eq', schema: z.enum(['default', 'custom'], 'must be default or custom') },
  },
  search: ['name', 'subject', 'description'],
  sortable: { name: 'name', updatedAt: 'updated_at', version: 'version' },
  defaultSort: ['name', 'ASC'],
  keysetSorts: ['name'],
  toJson: (row) => ({
    id: row.name,
    name: row.name,
    description: row.description,
    origin: row.origin,
    version: row.version,
    subject: row.subject,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    updatedBy: row.updated_by,
  }),
  csv: [
    ['name', 'name'],
    ['origin', 'origin'],
    ['version', 'version'],
    ['subject', 'subject'],
    ['description', 'description'],
    ['updated_at', 'updatedAt'],
    ['updated_by', 'updatedBy'],
  ],
};
