// Temporal away when an action is dispatched: the dispatch must wait for it,
// not be dead-lettered (which would leave the service "running" for ever and
// refuse every later dispatch with 409).
import { eventRegistry, provisioningV1 } from '@opsledger/contracts';
import { ensureEventStream, EventStore, ProjectionRunner } from '@opsledger/eventstore';
import { PanelSim } from '@opsledger/panel-sim';
import { createTestDatabase, createTestNats, freePort, type TestDatabase, type TestNats, testEnv, uniqueToken } from '@opsledger/testing';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, type Worker } from '@temporalio/worker';
import { type ChildProcess, spawn } from 'node:child_process';
import { connect } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { v7 as uuidv7 } from 'uuid';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { executePanelServerCommand } from './commands/execute-panel-server-command';
import { executeServiceCommand } from './commands/execute-service-command';
import { serviceRef } from './domain/refs';
import { SecretBox } from './domain/secret-box';
import { provisioningDispatcherProjection } from './projections/provisioning-dispatcher.projection';
import { createProvisioningWorker } from './worker';

const TOKEN = 'outage-test-token';
const ctx = { actor: { kind: 'staff' as const, id: 'admin-1' }, source: 'console' as const };
let nats: TestNats;
let pg: TestDatabase;
let sim: PanelSim;
let store: EventStore;
let dispatcher: ProjectionRunner | undefined;
let temporal: ChildProcess | undefined;
let worker: { instance: Worker; running: Promise<void>; connection: NativeConnection } | undefined;
const deps = () => ({ store, secrets: new SecretBox('outage-test-sealing-key'), newId: uuidv7, now: () => new Date() });

beforeAll(async () => {
  nats = await createTestNats();
  pg = await createTestDatabase();
  sim = new PanelSim({ token: TOKEN });
  await sim.start();
  await ensureEventStream(nats.jsm, 'provisioning', { prefix: nats.prefix });
  store = new EventStore(nats.js, nats.jsm, eventRegistry, nats.prefix);
});
afterAll(async () => {
  if (worker) {
    worker.instance.shutdown();
    await worker.running.catch(() => undefined);
    await worker.connection.close();
  }
  await dispatcher?.stop();
  temporal?.kill('SIGKILL');
  await sim?.stop();
  await nats?.dispose();
  await pg?.dispose();
});

const portOpen = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });

it('a dispatch made while Temporal is down waits, is not dead-lettered, and runs once Temporal is back', async () => {
  const port = await freePort();
  const taskQueue = `outage-${uniqueToken()}`;
  const client = new Client({ connection: Connection.lazy({ address: `127.0.0.1:${port}`, connectTimeout: '2 seconds' }) });
  dispatcher = new ProjectionRunner(
    { db: pg.db, js: nats.js, jsm: nats.jsm, registry: eventRegistry, prefix: nats.prefix },
    provisioningDispatcherProjection(pg.schema, { client, taskQueue, retryInitialIntervalMs: 100 }),
    { resumeDelayMs: 500 },
  );
  await dispatcher.start();

  const apiTokenCiphertext = deps().secrets.seal(TOKEN);
  await executePanelServerCommand(
    deps(),
    'p1',
    {
      kind: 'RegisterPanelServer',
      panelServerId: 'p1',
      name: 'p1',
      apiUrl: sim.httpUrl,
      apiTokenCiphertext,
      tlsVerify: true,
      timeoutMs: 3_000,
      now: new Date(),
    },
    ctx,
  );
  const serviceId = 'svc-outage';
  const fields = { serviceId, domain: 'ada.example.com', clientName: 'Ada', username: 'ada', package: 'Business', panelServerId: 'p1' };
  await executeServiceCommand(deps(), serviceId, { kind: 'RegisterService', ...fields, now: new Date() }, ctx);
  const dispatchId = uuidv7();
  await executeServiceCommand(
    deps(),
    serviceId,
    { kind: 'DispatchAction', dispatchId, action: provisioningV1.ProvisioningAction.CREATE, now: new Date() },
    ctx,
  );

  // Temporal is down: the dispatcher pauses on the event, with the reason, and dead-letters nothing.
  let paused = await dispatcher.status();
  for (let i = 0; i < 600 && !paused.lastError && paused.deadLetters === 0; i++, await sleep(100)) paused = await dispatcher.status();
  expect(paused).toMatchObject({ deadLetters: 0, lastError: expect.any(String) });
  expect(paused.lag).toBeGreaterThan(0);

  temporal = spawn(
    testEnv.temporalCli,
    ['server', 'start-dev', '--ip', '127.0.0.1', '--port', String(port), '--headless', '--log-level', 'error'],
    {
      stdio: 'ignore',
    },
  );
  for (let i = 0; i < 300 && !(await portOpen(port)); i++) await sleep(100);
  const connection = await NativeConnection.connect({ address: `127.0.0.1:${port}` });
  const instance = await createProvisioningWorker({ connection, namespace: 'default', taskQueue, store, secrets: deps().secrets });
  worker = { instance, running: instance.run(), connection };

  let outcome: string | undefined;
  for (let i = 0; i < 600 && !outcome; i++) {
    outcome = (await store.read(serviceRef(serviceId))).map((e) => e.type).find((t) => /Action(Succeeded|Failed)$/.test(t));
    if (!outcome) await sleep(100);
  }
  expect(outcome).toBe(provisioningV1.ActionSucceededSchema.typeName);
  // The outcome event is on the stream a moment before the dispatcher has taken it: wait for that, then nothing may be dead-lettered.
  await expect.poll(async () => (await dispatcher!.status()).lag, { timeout: 10_000 }).toBe(0);
  expect(await dispatcher.status()).toMatchObject({ deadLetters: 0, lag: 0 });
  expect(sim.accounts.has('ada')).toBe(true);
});
