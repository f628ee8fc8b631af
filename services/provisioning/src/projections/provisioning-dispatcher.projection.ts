import type { provisioningV1 } from '@opsledger/contracts';
import type { Projection, StoredEvent } from '@opsledger/eventstore';
import { type Client, WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
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
        try {
          await settings.client.workflow.start(provisionAction, {
            taskQueue: settings.taskQueue,
            workflowId: provisionWorkflowId(data.dispatchId),
            // A replayed dispatch (rebuild, a batch retried) must not run a finished job again.
            workflowIdReusePolicy: 'REJECT_DUPLICATE',
            args: [
              {
                serviceId: data.serviceId,
                dispatchId: data.dispatchId,
                action: data.action,
                retryInitialIntervalMs: settings.retryInitialIntervalMs,
              },
            ],
          });
        } catch (error) {
          if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
        }
      }
    },
  };
}
