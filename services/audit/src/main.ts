import { runService } from '@opsledger/service-runtime';
import { loadConfigOrExit } from '@opsledger/telemetry';
import { auditConfigSchema } from './audit.config';

const config = loadConfigOrExit(auditConfigSchema);
await runService({
  name: 'audit',
  port: config.AUDIT_PORT,
  host: config.HTTP_HOST,
  module: async () => (await import('./audit.module')).AuditModule.forRoot(config),
});
