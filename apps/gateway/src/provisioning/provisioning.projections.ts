import { Inject, Injectable } from '@nestjs/common';
import type { LiveHub } from '../live/live-hub';
import type { ProjectionEntry } from '../projections/projection.tokens';
import { type ContextReadModel, ContributesProjections, type ProjectionSource } from '../projections/read-model';
import { publishLogEntryNotices, publishServiceNotices } from './provisioning-notices';
import { provisioningLogProjection } from './provisioning-log.projection';
import { ProvisioningReadModel, type ProvisioningTables } from './provisioning.read-model';
import { servicesProjection } from './services.projection';

@ContributesProjections()
@Injectable()
export class ProvisioningProjections implements ProjectionSource {
  constructor(@Inject(ProvisioningReadModel) private readonly readModel: ContextReadModel<ProvisioningTables>) {}

  projections(hub: LiveHub): ProjectionEntry[] {
    return [
      { projection: provisioningLogProjection(this.readModel.schema), onCommitted: publishLogEntryNotices(hub) },
      { projection: servicesProjection(this.readModel.schema), onCommitted: publishServiceNotices(hub) },
    ];
  }
}
