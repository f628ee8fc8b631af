import { type NativeConnection, Worker } from '@temporalio/worker';
import { workflowCode } from '@opsledger/service-runtime';
import { createDeliveryActivities, type DeliveryActivityDeps } from './activities/delivery.activities';

export interface EmailWorkerOptions {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  deps: DeliveryActivityDeps;
}

/** Runs the delivery workflows and their provider calls on the email task queue. */
export function createEmailWorker(options: EmailWorkerOptions): Promise<Worker> {
  return Worker.create({
    connection: options.connection,
    namespace: options.namespace,
    taskQueue: options.taskQueue,
    ...workflowCode(new URL('./workflows/deliver-email.workflow.ts', import.meta.url)),
    activities: createDeliveryActivities(options.deps),
    shutdownGraceTime: '10 seconds',
  });
}
