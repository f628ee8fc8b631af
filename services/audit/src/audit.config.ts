import { baseConfigSchema } from '@opsledger/telemetry';
import { z } from 'zod';

export const auditConfigSchema = baseConfigSchema.extend({
  AUDIT_PORT: z.coerce.number().int().min(1).max(65535).default(3105),
});

export type AuditConfig = z.output<typeof auditConfigSchema>;
