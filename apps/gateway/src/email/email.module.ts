import { Module } from '@nestjs/common';
import { EmailLogController } from './email-log.controller';
import { EmailSettingsController } from './email-settings.controller';
import { EmailTemplatesController } from './email-templates.controller';
import { EmailProjections } from './email.projections';
import { EmailReadModel } from './email.read-model';

/** Email Templates, the Email Log and Settings → Email: their read model, projections, routes and live notices. */
@Module({
  controllers: [EmailTemplatesController, EmailLogController, EmailSettingsController],
  providers: [EmailReadModel, EmailProjections],
})
export class EmailModule {}
