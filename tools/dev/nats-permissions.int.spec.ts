// deploy/nats/permissions.conf on a nats-server of the test's own: each
// process has its own NATS user, and a service's credentials cannot write
// another context's events or take another context's commands (issue #13
// item 11). Subjects here carry no test prefix: the file is the production one.
import { create } from '@bufbuild/protobuf';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { headers, type NatsConnection } from '@nats-io/transport-node';
import { eventRegistry, Headers, provisioningV1, streamName, tasksV1 } from '@opsledger/contracts';
import { ensureEventStream, EventStore } from '@opsledger/eventstore';
import { CommandClient, connectNats, UnavailableError } from '@opsledger/messaging';
import { NatsServerProcess } from '@opsledger/testing';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { v7 as uuidv7 } from 'uuid';
import { afterAll, beforeAll, expect, it } from 'vitest';

const USERS = ['tasks', 'provisioning', 'scheduler', 'email', 'audit', 'logins', 'gateway', 'cli'] as const;
// nats-server parses a password from the environment as a config token: one starting with a digit would not parse.
const passwords = Object.fromEntries(USERS.map((u) => [u, `p${randomBytes(12).toString('hex')}`])) as Record<
  (typeof USERS)[number],
  string
>;
let server: NatsServerProcess;
const connections: NatsConnection[] = [];

async function as(user: (typeof USERS)[number], pass = passwords[user]) {
  const nc = await connectNats({ url: server.url, name: `${user}-test`, user, pass });
  connections.push(nc);
  const js = jetstream(nc, { timeout: 2_000 });
  const jsm = await jetstreamManager(nc);
  return { nc, jsm, store: new EventStore(js, jsm, eventRegistry) };
}

const ctx = { actor: { kind: 'system' as const, id: 'test' }, source: 'system' as const };
const taskCreated = (taskId: string) =>
  create(tasksV1.TaskCreatedSchema, {
    taskId,
    type: 'instance.deploy',
    target: { userId: 'u', hypervisorId: 'h', instanceId: 'i' },
    attempt: 1,
  });
const serviceRegistered = (serviceId: string) =>
  create(provisioningV1.ServiceRegisteredSchema, {
    serviceId,
    domain: 'a.example.com',
    clientName: 'A',
    username: 'a',
    package: 'p',
    panelServerId: 'ps',
  });

function okHeaders() {
  const h = headers();
  h.set(Headers.Status, 'ok');
  return h;
}

beforeAll(async () => {
  server = await NatsServerProcess.start({
    config: join(import.meta.dirname, '../../deploy/nats/permissions.conf'),
    env: Object.fromEntries(USERS.map((u) => [`${u.toUpperCase()}_NATS_PASSWORD`, passwords[u]])),
  });
});
afterAll(async () => {
  for (const nc of connections) await nc.close().catch(() => undefined);
  await server?.dispose();
});

it('each service appends its own context’s events, and a service’s credentials cannot publish another context’s events', async () => {
  const tasks = await as('tasks');
  const provisioning = await as('provisioning');
  await ensureEventStream(tasks.jsm, 'tasks');
  await ensureEventStream(provisioning.jsm, 'provisioning');

  const taskId = uuidv7();
  await tasks.store.append(
    { context: 'tasks', type: 'task', id: taskId },
    [{ id: uuidv7(), data: taskCreated(taskId), occurredAt: new Date() }],
    0,
    ctx,
  );
  const serviceId = uuidv7();
  const own = { context: 'provisioning' as const, type: 'service', id: serviceId };
  await provisioning.store.append(own, [{ id: uuidv7(), data: serviceRegistered(serviceId), occurredAt: new Date() }], 0, ctx);

  // The tasks service forging a provisioning event: refused by the server, nothing stored.
  const forgedId = uuidv7();
  const forged = { context: 'provisioning' as const, type: 'service', id: forgedId };
  await expect(
    tasks.store.append(forged, [{ id: uuidv7(), data: serviceRegistered(forgedId), occurredAt: new Date() }], 0, ctx),
  ).rejects.toThrow();
  expect((await provisioning.jsm.streams.info(streamName('provisioning'))).state.messages).toBe(1);
  expect((await provisioning.store.read(forged)).length).toBe(0);
  expect((await provisioning.jsm.streams.info(streamName('tasks'))).state.messages).toBe(1);

  // The gateway may append identity events only.
  const gateway = await as('gateway');
  const byGateway = uuidv7();
  await expect(
    gateway.store.append(
      { context: 'tasks', type: 'task', id: byGateway },
      [{ id: uuidv7(), data: taskCreated(byGateway), occurredAt: new Date() }],
      0,
      ctx,
    ),
  ).rejects.toThrow();
  expect((await provisioning.jsm.streams.info(streamName('tasks'))).state.messages).toBe(1);
});

it('a service cannot take another context’s commands: its subscription is refused, so the command finds no one', async () => {
  const tasks = await as('tasks');
  // It would answer every one (an empty success) if the server let it listen.
  tasks.nc.subscribe('cmd.provisioning.>', {
    callback: (err, msg) => {
      if (!err) msg.respond(new Uint8Array(), { headers: okHeaders() });
    },
  });
  await tasks.nc.flush().catch(() => undefined);
  const cli = await as('cli');
  const error = await new CommandClient(cli.nc, '', 2_000)
    .send(provisioningV1.PruneLogCommand, { olderThanDays: 1, dryRun: true } as never)
    .catch((e: unknown) => e);
  expect(error).toBeInstanceOf(UnavailableError);
});

it('a wrong password is refused at connect', async () => {
  await expect(connectNats({ url: server.url, name: 'intruder', user: 'tasks', pass: 'guess' })).rejects.toThrow(/Authorization/i);
});
