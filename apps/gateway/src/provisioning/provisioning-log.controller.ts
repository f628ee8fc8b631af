import { Controller } from '@nestjs/common';
import { ListController } from '../api/list/list-controller';
import { AdminOnly } from '../auth/auth.guard';
import { provisioningLogResource } from './provisioning-log.resource';
import { ProvisioningReadModel } from './provisioning.read-model';

/** The Provisioning Log (admin only): every panel call, with both payloads and the diagnosis on the entry itself. */
@AdminOnly()
@Controller('api/provisioning-log')
export class ProvisioningLogController extends ListController(provisioningLogResource, ProvisioningReadModel, 'provisioning log entry') {
  /** The entry with both payloads, which the list leaves out. */
  protected override async detail(entry: Record<string, unknown>) {
    const payloads = await this.readModel.db
      .selectFrom('provisioning_log')
      .select(['request', 'response'])
      .where('id', '=', String(entry.id))
      .executeTakeFirstOrThrow();
    return { ...entry, ...payloads };
  }
}
