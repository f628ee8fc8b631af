import { ContextServiceModule } from '@opsledger/telemetry';
import { v7 as uuidv7 } from 'uuid';
import { provisioningCommandHandlers } from './commands';
import { SecretBox } from './domain/secret-box';
import { provisioningDispatcherProjection } from './projections/provisioning-dispatcher.projection';
import { type ProvisioningConfig, provisioningQueueOf } from './provisioning.config';
import { createProvisioningWorker } from './workflows/provisioning-worker';

/**
 * The provisioning service: its commands on NATS, the dispatcher that starts
 * a workflow for each dispatched action from the stream, and (unless
 * PROVISIONING_RUN_WORKER=false) the Temporal worker that calls the panels.
 */
export const ProvisioningModule = {
  forRoot: (config: ProvisioningConfig) =>
    ContextServiceModule.forRoot({
      context: 'provisioning',
      config,
      runWorker: config.PROVISIONING_RUN_WORKER,
      parts: ({ store, temporal }) => {
        const secrets = new SecretBox(config.PROVISIONING_SECRET_KEY);
        const taskQueue = provisioningQueueOf(config);
        return {
          handlers: provisioningCommandHandlers({ store, secrets, newId: uuidv7, now: () => new Date() }),
          dispatcher: (schema) =>
            provisioningDispatcherProjection(schema, {
              client: temporal,
              taskQueue,
              retryInitialIntervalMs: config.PROVISIONING_RETRY_INITIAL_MS,
            }),
          createWorker: (connection) =>
            createProvisioningWorker({ connection, namespace: config.TEMPORAL_NAMESPACE, taskQueue, store, secrets }),
        };
      },
    }),
};
