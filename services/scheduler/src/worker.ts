import type { EventStore } from '@opsledger/eventstore';
import { workflowCode } from '@opsledger/service-runtime';
import { NativeConnection, Worker } from '@temporalio/worker';
import type { Kysely } from 'kysely';
import { v7 as uuidv7 } from 'uuid';
import type { ScheduledJob } from './activities/jobs';
import { createRunActivities } from './activities/run.activities';

export interface SchedulerWorkerOptions {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  store: EventStore;
  jobs: readonly ScheduledJob[];
  db: Kysely<any>;
  schema: string;
}

/** The scheduler's worker: runs each job run's workflow and the job itself on the scheduler task queue. */
export function createSchedulerWorker(options: SchedulerWorkerOptions): Promise<Worker> {
  return Worker.create({
    connection: options.connection,
    namespace: options.namespace,
    taskQueue: options.taskQueue,
    ...workflowCode(new URL('./workflows/run-job.workflow.ts', import.meta.url)),
    activities: createRunActivities({
      store: options.store,
      newId: uuidv7,
      now: () => new Date(),
      jobs: new Map(options.jobs.map((job) => [job.declaration.id, job])),
      db: options.db,
      schema: options.schema,
    }),
    // A job's heartbeat carries its output so far: sent every two seconds at most, so a run cut off loses little of it.
    maxHeartbeatThrottleInterval: '2 seconds',
    defaultHeartbeatThrottleInterval: '2 seconds',
    shutdownGraceTime: '10 seconds',
  });
}
