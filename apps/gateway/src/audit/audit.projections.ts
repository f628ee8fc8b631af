import { Inject, Injectable } from '@nestjs/common';
import type { StoredEvent } from '@opsledger/eventstore';
import type { LiveHub } from '../live/live-hub';
import type { ProjectionEntry } from '../projections/projection.tokens';
import { type ContextReadModel, ContributesProjections, type ProjectionSource } from '../projections/read-model';
import type { AuditTables } from './audit-tables';
import { auditProjection } from './audit.projection';
import { AuditReadModel } from './audit.read-model';

/**
 * After a batch commits: one `created` notice per new entry, and a `reset`
 * when a retention checkpoint removed entries (the page refetches what it
 * shows). No owner: only staff hear them.
 */
function publishAuditNotices(hub: LiveHub) {
  return async (events: readonly StoredEvent[]) => {
    for (const e of events) {
      const data = e.data as { $typeName: string; entryId?: string; throughSequence?: bigint };
      if (data.$typeName === 'platform.audit.v1.AuditEntryRecorded' && data.entryId)
        hub.publish({ resource: 'audit-log', id: data.entryId, change: 'created' });
      else if (data.$typeName === 'platform.audit.v1.AuditChainCheckpointed')
        hub.publish({ resource: 'audit-log', id: `checkpoint-${String(data.throughSequence)}`, change: 'deleted' });
    }
  };
}

@ContributesProjections()
@Injectable()
export class AuditProjections implements ProjectionSource {
  constructor(@Inject(AuditReadModel) private readonly readModel: ContextReadModel<AuditTables>) {}

  projections(hub: LiveHub): ProjectionEntry[] {
    return [{ projection: auditProjection(this.readModel.schema), onCommitted: publishAuditNotices(hub) }];
  }
}
