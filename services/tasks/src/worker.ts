import type { EventStore } from '@opsledger/eventstore';
import { workflowCode } from '@opsledger/service-runtime';
import { NativeConnection, Worker } from '@temporalio/worker';
import { v7 as uuidv7 } from 'uuid';
import { createTaskActivities } from './activities/task.activities';

export interface TaskWorkerOptions {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  store: EventStore;
  hypervisorUrl: string;
  /** Activity slots; when all are taken the worker stops polling for more (it is busy, not gone). */
  maxConcurrentActivityTaskExecutions?: number;
}

/** The queue worker: runs task workflows and their activities on the tasks task queue. */
export function createTaskWorker(options: TaskWorkerOptions): Promise<Worker> {
  return Worker.create({
    connection: options.connection,
    namespace: options.namespace,
    taskQueue: options.taskQueue,
    ...workflowCode(new URL('./workflows/run-task.workflow.ts', import.meta.url)),
    activities: createTaskActivities({ store: options.store, hypervisorUrl: options.hypervisorUrl, newId: uuidv7, now: () => new Date() }),
    // A stopped worker finishes (or gives back) what it holds within this.
    shutdownGraceTime: '10 seconds',
    ...(options.maxConcurrentActivityTaskExecutions
      ? { maxConcurrentActivityTaskExecutions: options.maxConcurrentActivityTaskExecutions }
      : {}),
  });
}
