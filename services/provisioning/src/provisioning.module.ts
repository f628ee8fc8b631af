import { ContextServiceModule } from '@opsledger/service-runtime';
import { v7 as uuidv7 } from 'uuid';
import { provisioningCommandHandlers } from './commands';
import { pruneLogHandler } from './commands/prune-log.handler';
import { SecretBox } from './domain/secret-box';
import { attemptIndexProjection } from './projections/attempt-index.projection';
import { provisioningDispatcherProjection } from './projections/provisioning-dispatcher.projection';
import { type ProvisioningConfig, provisioningQueueOf } from './provisioning.config';
import { createProvisioningWorker } from './worker';

/**
 * The provisioning service: its commands on NATS, the dispatcher that starts
 * a workflow for each dispatched action from the stream, the index of log
 * entries a prune looks through, and (unless
 * PROVISIONING_RUN_WORKER=false) the Temporal worker that calls the panels.
 */
export const ProvisioningModule = {
  forRoot: (config: ProvisioningConfig) =>
    ContextServiceModule.forRoot({
      context: 'provisioning',
      config,
      runWorker: config.PROVISIONING_RUN_WORKER,
      parts: ({ store, temporal, nc, db, schema }) => {
        const secrets = new SecretBox(config.PROVISIONING_SECRET_KEY);
        const taskQueue = provisioningQueueOf(config);
        const clock = { newId: uuidv7, now: () => new Date() };
        return {
          handlers: [
            ...provisioningCommandHandlers({ store, secrets, ...clock }),
            pruneLogHandler({ store, nc, index: db.withSchema(schema), prefix: config.OPSLEDGER_PREFIX, ...clock }),
          ],
          projections: (privateSchema) => [attemptIndexProjection(privateSchema)],
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
