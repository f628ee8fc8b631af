import { Inject, Injectable } from '@nestjs/common';
import { loginsV1, settingsV1 } from '@opsledger/contracts';
import type { StoredEvent } from '@opsledger/eventstore';
import type { LiveHub } from '../live/live-hub';
import type { ProjectionEntry } from '../projections/projection.tokens';
import { type ContextReadModel, ContributesProjections, type ProjectionSource } from '../projections/read-model';
import type { IpLogTables } from './ip-log-tables';
import { ipLogProjection, securitySettingsProjection } from './ip-log.projection';
import { IpLogReadModel } from './ip-log.read-model';
import { SecuritySettingsState } from './security-settings.state';

/** After a batch commits: one notice per attempt it touched. No owner: only staff hear them. */
function publishAttemptNotices(hub: LiveHub) {
  return async (events: readonly StoredEvent[]) => {
    const seen = new Set<string>();
    for (const e of events) {
      const data = e.data as { attemptId?: string };
      if (!data.attemptId || seen.has(data.attemptId)) continue;
      seen.add(data.attemptId);
      hub.publish({
        resource: 'ip-log',
        id: data.attemptId,
        change: e.type === loginsV1.LoginAttemptedSchema.typeName ? 'created' : 'updated',
      });
    }
  };
}

@ContributesProjections()
@Injectable()
export class IpLogProjections implements ProjectionSource {
  constructor(
    @Inject(IpLogReadModel) private readonly readModel: ContextReadModel<IpLogTables>,
    @Inject(SecuritySettingsState) private readonly settings: SecuritySettingsState,
  ) {}

  projections(hub: LiveHub): ProjectionEntry[] {
    return [
      { projection: ipLogProjection(this.readModel.schema), onCommitted: publishAttemptNotices(hub) },
      {
        projection: securitySettingsProjection(this.readModel.schema),
        // The next sign-in uses the new trusted proxies: no restart.
        onCommitted: async (events) => {
          if (!events.some((e) => e.type === settingsV1.SecuritySettingsChangedSchema.typeName)) return;
          await this.settings.refresh();
          hub.publish({ resource: 'settings', id: 'security', change: 'updated' });
        },
      },
    ];
  }
}
