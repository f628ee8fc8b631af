import { ContextServiceModule } from '@opsledger/service-runtime';
import { createLogger } from '@opsledger/telemetry';
import { v7 as uuidv7 } from 'uuid';
import { currentProvider } from './activities/provider';
import { emailCommandHandlers } from './commands';
import { SecretBox } from './domain/secret-box';
import { type EmailConfig, emailQueueOf } from './email.config';
import { accountsProjection } from './projections/accounts.projection';
import { emailIndexProjection } from './projections/email-index.projection';
import { emailDispatcherProjection } from './projections/email-dispatcher.projection';
import type { ReactionDeps } from './projections/reactions';
import { servicesProjection } from './projections/services.projection';
import { emailSettingsProjection } from './projections/settings.projection';
import { tasksProjection } from './projections/tasks.projection';
import { registerShippedTemplates } from './reconcile';
import { loadShippedTemplates } from './shipped-templates';
import { createEmailWorker } from './worker';

/**
 * The email service: its commands on NATS (cmd.email.*, and the Email section
 * of the settings); the dispatcher that starts one delivery workflow per
 * queued email; its private lookups (the Email settings from SETTINGS, its
 * Email Log index for Settings → Retention's prune,
 * accounts from IDENTITY, hosting accounts from PROVISIONING, tasks from
 * TASKS), which also send the platform's own emails; the start-up reconcile
 * that seeds the shipped templates; and (unless EMAIL_RUN_WORKER=false) the
 * worker that delivers.
 */
export const EmailModule = {
  forRoot: (config: EmailConfig) =>
    ContextServiceModule.forRoot({
      context: 'email',
      config,
      runWorker: config.EMAIL_RUN_WORKER,
      parts: ({ store, temporal, nc, db, schema }) => {
        const secrets = new SecretBox(config.EMAIL_SECRET_KEY);
        const shipped = loadShippedTemplates();
        const taskQueue = emailQueueOf(config);
        const clock = { newId: uuidv7, now: () => new Date() };
        const privateDb = db.withSchema(schema);
        const providerDeps = { db: privateDb, config, secrets };
        const logger = createLogger('email', config.LOG_LEVEL);
        const log = (level: 'info' | 'warn', message: string, fields: Record<string, unknown>) => logger[level](fields, message);
        const reactions: ReactionDeps = {
          store,
          ...clock,
          maxAgeMs: config.EMAIL_REACTION_MAX_AGE_HOURS * 3_600_000,
          consoleUrl: config.EMAIL_CONSOLE_URL,
          log,
        };
        return {
          handlers: emailCommandHandlers({
            store,
            secrets,
            shipped,
            db: privateDb,
            testWaitMs: config.EMAIL_TEST_WAIT_MS,
            provider: () => currentProvider(providerDeps),
            prune: { store, nc, index: privateDb, prefix: config.OPSLEDGER_PREFIX, ...clock },
            ...clock,
          }),
          dispatcher: (schema) =>
            emailDispatcherProjection(schema, {
              client: temporal,
              taskQueue,
              retry: {
                initialIntervalMs: config.EMAIL_RETRY_INITIAL_MS,
                maximumIntervalMs: config.EMAIL_RETRY_MAX_INTERVAL_MS,
                maximumAttempts: config.EMAIL_RETRY_MAX_ATTEMPTS,
              },
            }),
          // Accounts before tasks: a failed task's recipient is read from the accounts lookup.
          projections: (schema) => [
            emailSettingsProjection(schema),
            emailIndexProjection(schema),
            accountsProjection(schema, reactions),
            servicesProjection(schema, reactions),
            tasksProjection(schema, reactions),
          ],
          reconcile: (signal) => registerShippedTemplates({ store, ...clock }, shipped, signal),
          createWorker: (connection) =>
            createEmailWorker({
              connection,
              namespace: config.TEMPORAL_NAMESPACE,
              taskQueue,
              deps: { store, ...providerDeps, ...clock, log },
            }),
        };
      },
    }),
};
