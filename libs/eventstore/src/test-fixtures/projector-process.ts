// A projector as its own process, so a test can SIGKILL it mid-batch.
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { eventRegistry } from '@opsledger/contracts';
import { createDb } from '@opsledger/db';
import { ProjectionRunner } from '../projection/projection-runner';
import { progressProjection } from './progress.projection';

const env = (name: string) => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is required`);
  return value;
};

const db = createDb({ connectionString: env('DATABASE_URL'), applicationName: env('APP_NAME'), max: 2 });
const nc = await connect({ servers: env('NATS_URL') });
const runner = new ProjectionRunner(
  { db, js: jetstream(nc), jsm: await jetstreamManager(nc), registry: eventRegistry, prefix: env('PREFIX') },
  progressProjection(env('SCHEMA'), { sleepMsPerBatch: Number(process.env.SLEEP_MS ?? 0) }),
  { batchSize: Number(process.env.BATCH ?? 500) },
);
await runner.start();
process.send?.('started');
