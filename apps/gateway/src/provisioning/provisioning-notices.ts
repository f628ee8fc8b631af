import { provisioningV1 } from '@opsledger/contracts';
import type { StoredEvent } from '@opsledger/eventstore';
import type { LiveHub } from '../live/live-hub';

const SERVICE_EVENTS = new Set<string>([
  provisioningV1.ServiceRegisteredSchema.typeName,
  provisioningV1.ActionDispatchedSchema.typeName,
  provisioningV1.ActionSucceededSchema.typeName,
  provisioningV1.ActionFailedSchema.typeName,
]);

// Each is attached to the projection whose rows it announces, so a notice
// never arrives before the row it points to. No owner: only staff hear them.

/** After a Provisioning Log batch commits: one notice per new entry. */
export function publishLogEntryNotices(hub: LiveHub) {
  return async (events: readonly StoredEvent[]) => {
    for (const e of events)
      if (e.type === provisioningV1.ProvisioningAttemptRecordedSchema.typeName)
        hub.publish({ resource: 'provisioning-log', id: e.aggregateId, change: 'created' });
  };
}

/** After a services batch commits: one notice per service event. */
export function publishServiceNotices(hub: LiveHub) {
  return async (events: readonly StoredEvent[]) => {
    for (const e of events)
      if (SERVICE_EVENTS.has(e.type))
        hub.publish({
          resource: 'services',
          id: e.aggregateId,
          change: e.type === provisioningV1.ServiceRegisteredSchema.typeName ? 'created' : 'updated',
        });
  };
}
