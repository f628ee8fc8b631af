import { ContextServiceModule } from '@opsledger/service-runtime';
import { v7 as uuidv7 } from 'uuid';
import { createTaskHandler } from './commands/create-task.handler';
import { describeWorkersHandler } from './commands/describe-workers.handler';
import { cancelTaskHandler, retryTaskHandler } from './commands/lifecycle.handlers';
import { sweepStuckTasksHandler } from './commands/sweep-stuck-tasks.handler';
import { workflowDispatcherProjection } from './projections/workflow-dispatcher.projection';
import { taskQueueOf, type TasksConfig } from './tasks.config';
import { createTaskWorker } from './worker';

/**
 * The tasks service: its commands on NATS (the stuck sweep reads the
 * dispatcher's table), the dispatcher that starts each attempt's workflow
 * from the stream, and (unless TASKS_RUN_WORKER=false) the Temporal worker
 * that runs them against the hypervisor agents.
 */
export const TasksModule = {
  forRoot: (config: TasksConfig) =>
    ContextServiceModule.forRoot({
      context: 'tasks',
      config,
      runWorker: config.TASKS_RUN_WORKER,
      parts: ({ store, temporal, db, schema }) => {
        const deps = { store, newId: uuidv7, now: () => new Date() };
        const taskQueue = taskQueueOf(config);
        return {
          handlers: [
            createTaskHandler(deps),
            cancelTaskHandler(deps),
            retryTaskHandler(deps),
            describeWorkersHandler({ client: temporal, namespace: config.TEMPORAL_NAMESPACE, taskQueue }),
            sweepStuckTasksHandler({ ...deps, db: db.withSchema(schema), defaultStepTimeoutMs: config.TASK_STEP_TIMEOUT_MS }),
          ],
          dispatcher: (schema) =>
            workflowDispatcherProjection(schema, { client: temporal, taskQueue, defaultStepTimeoutMs: config.TASK_STEP_TIMEOUT_MS }),
          createWorker: (connection) =>
            createTaskWorker({ connection, namespace: config.TEMPORAL_NAMESPACE, taskQueue, store, hypervisorUrl: config.HYPERVISOR_URL }),
        };
      },
    }),
};
