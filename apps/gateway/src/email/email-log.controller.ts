import { Controller } from '@nestjs/common';
import { ListController } from '../api/list/list-controller';
import { AdminOnly } from '../auth/auth.guard';
import type { EmailTables } from './email-tables';
import { emailLogResource } from './email-log.resource';
import { EmailReadModel } from './email.read-model';

/**
 * The Email Log (admin only): every outgoing email; one has the body exactly
 * as sent, the template version, the provider's answer (code, message id,
 * each failed attempt), its correlation id and the event that caused it.
 */
@AdminOnly()
@Controller('api/email-log')
export class EmailLogController extends ListController<EmailTables>(emailLogResource, EmailReadModel, 'email') {
  protected override async detail(record: Record<string, unknown>) {
    const row = await this.readModel.db.selectFrom('email_log').selectAll().where('id', '=', String(record.id)).executeTakeFirstOrThrow();
    return {
      ...record,
      html: row.html,
      from: row.from_address,
      providerMessage: row.provider_message,
      failedAttempts: row.attempt_failures,
      causedBy: row.caused_by_event_id ? { eventType: row.caused_by_event_type, eventId: row.caused_by_event_id } : null,
    };
  }
}
