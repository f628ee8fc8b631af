import { jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import { CommandClient } from '@opsledger/messaging';
import { ContextServiceModule } from '@opsledger/service-runtime';
import { createLogger } from '@opsledger/telemetry';
import { v7 as uuidv7 } from 'uuid';
import { type JobDeps, type ScheduledJob, scheduledJobs } from './activities/jobs';
import { schedulerCommandHandlers } from './commands';
import { instancesProjection } from './projections/instances.projection';
import { schedulerDispatcherProjection } from './projections/scheduler-dispatcher.projection';
import { reconcileScheduler } from './reconcile';
import { type SchedulerConfig, schedulerQueueOf } from './scheduler.config';
import { createSchedulerWorker } from './worker';

export interface SchedulerModuleOptions {
  /** The jobs to run; the registry's by default (tests add jobs of their own). */
  jobs?: (deps: JobDeps) => ScheduledJob[];
}

/** A Run now request not started within this (the service was down that long) is not started late. */
const RUN_NOW_EXPIRY_MS = 3_600_000;

/**
 * The scheduler service: its commands on NATS; the dispatcher that keeps one
 * Temporal Schedule per job in line with the SCHEDULER stream and starts Run
 * now requests; the instances lookup fed by TASKS; the start-up reconcile
 * that registers the jobs and their schedules; and (unless
 * SCHEDULER_RUN_WORKER=false) the worker that runs the jobs.
 */
export const SchedulerModule = {
  forRoot: (config: SchedulerConfig, options: SchedulerModuleOptions = {}) =>
    ContextServiceModule.forRoot({
      context: 'scheduler',
      config,
      runWorker: config.SCHEDULER_RUN_WORKER,
      parts: ({ store, temporal, nc, db, schema }) => {
        const prefix = config.OPSLEDGER_PREFIX;
        const taskQueue = schedulerQueueOf(config);
        const now = () => new Date();
        let jsm: Promise<JetStreamManager> | undefined;
        const deps: JobDeps = {
          commands: new CommandClient(nc, prefix),
          store,
          db,
          schema,
          jsm: () => (jsm ??= jetstreamManager(nc)),
          prefix,
          newId: uuidv7,
          now,
        };
        const jobs =
          options.jobs?.(deps) ?? scheduledJobs(deps, { provisioningRetentionDays: config.SCHEDULER_PROVISIONING_RETENTION_DAYS });
        const jobIds = jobs.map((j) => j.declaration.id);
        const schedules = { client: temporal, taskQueue, prefix };
        const logger = createLogger('scheduler', config.LOG_LEVEL);
        const log = (message: string, fields: Record<string, unknown>) => logger.info(fields, message);
        return {
          handlers: schedulerCommandHandlers({ store, newId: uuidv7, now, jobIds, db: db.withSchema(schema) }),
          dispatcher: (schema) =>
            schedulerDispatcherProjection(schema, {
              ...schedules,
              jobs: new Map(jobs.map((j) => [j.declaration.id, j.declaration])),
              requestExpiryMs: RUN_NOW_EXPIRY_MS,
              now,
              log,
            }),
          projections: (schema) => [instancesProjection(schema)],
          reconcile: (signal) => reconcileScheduler({ store, newId: uuidv7, now, jobs, db, schema, jsm: deps.jsm, schedules, log }, signal),
          createWorker: (connection) =>
            createSchedulerWorker({ connection, namespace: config.TEMPORAL_NAMESPACE, taskQueue, store, jobs, db, schema }),
        };
      },
    }),
};
