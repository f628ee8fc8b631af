// The task worker as its own process, so a test can kill it mid-workflow.
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { eventRegistry } from '@opsledger/contracts';
import { EventStore } from '@opsledger/eventstore';
import { NativeConnection } from '@temporalio/worker';
import { createTaskWorker } from '../worker';

const env = (name: string) =>
  process.env[name] ??
  (() => {
    throw new Error(`${name} is required`);
  })();
const nc = await connect({ servers: env('NATS_URL') });
const store = new EventStore(jetstream(nc), await jetstreamManager(nc), eventRegistry, env('PREFIX'));
const worker = await createTaskWorker({
  connection: await NativeConnection.connect({ address: env('TEMPORAL_ADDRESS') }),
  namespace: 'default',
  taskQueue: env('TASK_QUEUE'),
  store,
  hypervisorUrl: env('HYPERVISOR_URL'),
  maxConcurrentActivityTaskExecutions: Number(process.env.MAX_ACTIVITIES ?? 0) || undefined,
});
process.send?.('started');
await worker.run();
