import type { EventStore } from '@opsledger/eventstore';
import { workflowCode } from '@opsledger/service-runtime';
import { type NativeConnection, Worker } from '@temporalio/worker';
import { v7 as uuidv7 } from 'uuid';
import { createProvisioningActivities } from './activities/provisioning.activities';
import type { SecretBox } from './domain/secret-box';

export interface ProvisioningWorkerOptions {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  store: EventStore;
  secrets: SecretBox;
}

/** Runs provisioning workflows and their panel calls on the provisioning task queue. */
export function createProvisioningWorker(options: ProvisioningWorkerOptions): Promise<Worker> {
  return Worker.create({
    connection: options.connection,
    namespace: options.namespace,
    taskQueue: options.taskQueue,
    ...workflowCode(new URL('./workflows/provision-action.workflow.ts', import.meta.url)),
    activities: createProvisioningActivities({ store: options.store, secrets: options.secrets, newId: uuidv7, now: () => new Date() }),
    shutdownGraceTime: '10 seconds',
  });
}
