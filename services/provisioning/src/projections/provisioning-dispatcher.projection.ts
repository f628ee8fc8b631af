import type { provisioningV1 } from '@opsledger/contracts';
import type { Projection, StoredEvent } from '@opsledger/eventstore';
import { startWorkflowOnce } from '@opsledger/service-runtime';
import type { Client } from '@temporalio/client';
import { provisionAction, provisionWorkflowId } from '../workflows/provision-action.workflow';

export interface ProvisioningDispatcherSettings {
  client: Client;
  taskQueue: string;
  retryInitialIntervalMs: number;
}

/**
 * Starts a provisioning workflow for each ActionDispatched, from the stream
 * (no dual write with the command); a replayed event meets Temporal's refusal
 * of a duplicate workflow id.
 */
export function provisioningDispatcherProjection(schema: string, settings: ProvisioningDispatcherSettings): Projection {
  return {
    name: 'provisioning-dispatcher',
    context: 'provisioning',
    schema,
    tables: [],
    migrations: {},
    async apply(_trx, events: readonly StoredEvent[]) {
      for (const event of events) {
        if (event.type !== 'platform.provisioning.v1.ActionDispatched') continue;
        const data = event.data as provisioningV1.ActionDispatched;
        // A replayed dispatch (rebuild, a batch retried) must not run a finished job again.
        await startWorkflowOnce(settings.client, provisionAction, {
          taskQueue: settings.taskQueue,
          workflowId: provisionWorkflowId(data.dispatchId),
          args: [
            {
              serviceId: data.serviceId,
              dispatchId: data.dispatchId,
              action: data.action,
              retryInitialIntervalMs: settings.retryInitialIntervalMs,
              // The dispatch's click, onto everything the job appends (its log entries and outcome).
              correlationId: event.correlationId ?? event.id,
            },
          ],
        });
      }
    },
  };
}
