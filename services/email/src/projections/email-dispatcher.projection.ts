import type { emailV1 } from '@opsledger/contracts';
import type { Projection, StoredEvent } from '@opsledger/eventstore';
import { startWorkflowOnce } from '@opsledger/service-runtime';
import type { Client } from '@temporalio/client';
import { deliverEmail, deliveryWorkflowId, type DeliveryRetry } from '../workflows/deliver-email.workflow';

export interface EmailDispatcherSettings {
  client: Client;
  taskQueue: string;
  retry: DeliveryRetry;
}

/**
 * Starts the delivery workflow of each queued email from the stream (no
 * dual write with the command). The workflow id is the email's: a replayed
 * EmailQueued meets Temporal's refusal of a duplicate id and never sends twice.
 */
export function emailDispatcherProjection(schema: string, settings: EmailDispatcherSettings): Projection {
  return {
    name: 'email-dispatcher',
    context: 'email',
    schema,
    tables: [],
    migrations: {},
    async apply(_trx, events: readonly StoredEvent[]) {
      for (const event of events) {
        if (event.type !== 'platform.email.v1.EmailQueued') continue;
        const data = event.data as emailV1.EmailQueued;
        await startWorkflowOnce(settings.client, deliverEmail, {
          taskQueue: settings.taskQueue,
          workflowId: deliveryWorkflowId(data.emailId),
          args: [{ emailId: data.emailId, correlationId: event.correlationId ?? data.correlationId, retry: settings.retry }],
        });
      }
    },
  };
}
