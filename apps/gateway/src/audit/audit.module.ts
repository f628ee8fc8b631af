import { Module } from '@nestjs/common';
import { AuditLogController, CorrelatedEmails, CorrelatedProvisioningLog, CorrelatedTasks } from './audit-log.controller';
import { AuditVerifyController } from './audit-verify.controller';
import { RetentionSettingsController } from './retention-settings.controller';
import { AuditProjections } from './audit.projections';
import { AuditReadModel } from './audit.read-model';

/** The Audit Log's read side: its read model, projection, list/one/CSV routes, chain verification and live notices. */
@Module({
  controllers: [AuditLogController, AuditVerifyController, RetentionSettingsController],
  providers: [AuditReadModel, CorrelatedEmails, CorrelatedTasks, CorrelatedProvisioningLog, AuditProjections],
})
export class AuditModule {}
