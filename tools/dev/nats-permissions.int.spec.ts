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
import { NATS_USERS, passwordVariable } from './nats-permissions';

type User = keyof typeof NATS_USERS;
// nats-server parses a password from the environment as a config token: one starting with a digit would not parse.
const passwords = Object.fromEntries(Object.keys(NATS_USERS).map((u) => [u, `p${randomBytes(12).toString('hex')}`])) as Record<
  User,
  string
>;
let server: NatsServerProcess;
const connections: NatsConnection[] = [];

async function as(user: User, pass = passwords[user]) {
  // The refusals are what these tests provoke: not worth a log line each.
  const nc = await connectNats({ url: server.url, name: `${user}-test`, user, pass, onServerError: () => undefined });
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
    env: Object.fromEntries(Object.entries(passwords).map(([u, password]) => [passwordVariable(u), password])),
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

it('a service cannot purge, reconfigure or delete another context’s stream, nor delete its messages; the owner can purge its own', async () => {
  const tasks = await as('tasks');
  const provisioning = await as('provisioning');
  await ensureEventStream(provisioning.jsm, 'provisioning');
  const serviceId = uuidv7();
  await provisioning.store.append(
    { context: 'provisioning', type: 'service', id: serviceId },
    [{ id: uuidv7(), data: serviceRegistered(serviceId), occurredAt: new Date() }],
    0,
    ctx,
  );
  const stream = streamName('provisioning');
  const before = (await provisioning.jsm.streams.info(stream)).state.messages;
  expect(before).toBeGreaterThan(0);

  // Reading it, as every projection does, is allowed; and ensuring it (already configured) changes nothing.
  await ensureEventStream(tasks.jsm, 'provisioning');
  await expect(tasks.jsm.streams.purge(stream)).rejects.toThrow();
  const info = await tasks.jsm.streams.info(stream);
  await expect(tasks.jsm.streams.update(stream, { ...info.config, max_msgs: 1 })).rejects.toThrow();
  await expect(tasks.jsm.streams.deleteMessage(stream, 1)).rejects.toThrow();
  await expect(tasks.jsm.streams.delete(stream)).rejects.toThrow();
  expect((await provisioning.jsm.streams.info(stream)).state.messages).toBe(before);
  expect((await provisioning.jsm.streams.info(stream)).config.max_msgs).toBe(-1);

  await provisioning.jsm.streams.purge(stream, { filter: `evt.provisioning.service.${serviceId}` });
  expect((await provisioning.jsm.streams.info(stream)).state.messages).toBe(before - 1);
});

it('an answer goes back to the asker’s own inbox, which no other process can read', async () => {
  const gateway = await as('gateway');
  const tasks = await as('tasks');
  const provisioning = await as('provisioning');
  tasks.nc.subscribe('cmd.tasks.ping', {
    callback: (err, msg) => {
      if (!err) msg.respond(new TextEncoder().encode('pong'));
    },
  });
  let overheard = 0;
  const overhear = (err: Error | null) => {
    if (!err) overheard++;
  };
  provisioning.nc.subscribe('_INBOX_gateway.>', { callback: overhear });
  provisioning.nc.subscribe('_INBOX.>', { callback: overhear });
  await Promise.all([tasks.nc.flush(), provisioning.nc.flush()]);

  const answer = await gateway.nc.request('cmd.tasks.ping', undefined, { timeout: 2_000 });
  expect(answer.string()).toBe('pong');
  expect(answer.subject.startsWith('_INBOX_gateway.')).toBe(true);
  await provisioning.nc.flush();
  expect(overheard).toBe(0);
});
