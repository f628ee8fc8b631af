import { eventRegistry, provisioningV1, streamName } from '@opsledger/contracts';
import { decodeEvent, ensureEventStream, EventStore, ProjectionRunner } from '@opsledger/eventstore';
import { PanelSim } from '@opsledger/panel-sim';
import { createTemporalTestEnv, createTestDatabase, createTestNats, freePort, type TestDatabase, type TestNats } from '@opsledger/testing';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import { setTimeout as sleep } from 'node:timers/promises';
import { v7 as uuidv7 } from 'uuid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { executePanelServerCommand } from './commands/execute-panel-server-command';
import { executeServiceCommand } from './commands/execute-service-command';
import { serviceRef } from './domain/refs';
import { SecretBox } from './domain/secret-box';
import { provisioningDispatcherProjection } from './projections/provisioning-dispatcher.projection';
import { provisionAction } from './workflows/provision-action.workflow';
import { createProvisioningWorker } from './worker';

const { ProvisioningAction: A, ServiceState: S } = provisioningV1;
const TOKEN = 'panel-api-token-5ecret';
const ctx = { actor: { kind: 'staff' as const, id: 'admin-1' }, source: 'console' as const };

let temporal: TestWorkflowEnvironment;
let taskQueue: string;
let nats: TestNats;
let pg: TestDatabase;
let sim: PanelSim;
let store: EventStore;
let dispatcher: ProjectionRunner;
let worker: { instance: Worker; running: Promise<void> };
const deps = () => ({ store, secrets: new SecretBox('test-key-of-sixteen-chars'), newId: uuidv7, now: () => new Date() });

beforeAll(async () => {
  ({ env: temporal, taskQueue } = await createTemporalTestEnv());
  nats = await createTestNats();
  pg = await createTestDatabase();
  sim = new PanelSim({ token: TOKEN });
  const { httpUrl, httpsUrl } = await sim.start();
  await ensureEventStream(nats.jsm, 'provisioning', { prefix: nats.prefix });
  store = new EventStore(nats.js, nats.jsm, eventRegistry, nats.prefix);
  const servers = [
    { panelServerId: 'good', apiUrl: httpUrl, apiToken: TOKEN, tlsVerify: true },
    { panelServerId: 'stale-token', apiUrl: httpUrl, apiToken: 'revoked', tlsVerify: true },
    { panelServerId: 'self-signed', apiUrl: httpsUrl, apiToken: TOKEN, tlsVerify: true },
    { panelServerId: 'wrong-url', apiUrl: `http://127.0.0.1:${await freePort()}`, apiToken: TOKEN, tlsVerify: true },
  ];
  for (const { apiToken, ...s } of servers) {
    const apiTokenCiphertext = deps().secrets.seal(apiToken);
    const register = {
      kind: 'RegisterPanelServer' as const,
      ...s,
      name: s.panelServerId,
      apiTokenCiphertext,
      timeoutMs: 3_000,
      now: new Date(),
    };
    await executePanelServerCommand(deps(), s.panelServerId, register, ctx);
  }
  dispatcher = new ProjectionRunner(
    { db: pg.db, js: nats.js, jsm: nats.jsm, registry: eventRegistry, prefix: nats.prefix },
    provisioningDispatcherProjection(pg.schema, { client: temporal.client, taskQueue, retryInitialIntervalMs: 100 }),
  );
  await dispatcher.start();
  const instance = await createProvisioningWorker({
    connection: temporal.nativeConnection,
    namespace: 'default',
    taskQueue,
    store,
    secrets: deps().secrets,
  });
  worker = { instance, running: instance.run() };
});
afterAll(async () => {
  worker?.instance.shutdown();
  await worker?.running;
  await dispatcher?.stop();
  await sim?.stop();
  await temporal?.teardown();
  await nats?.dispose();
  await pg?.dispose();
});

let n = 0;
async function service(panelServerId: string, pkg = 'Business', username?: string) {
  const serviceId = `svc-${++n}-${panelServerId}`;
  username ??= `user${n}`;
  await executeServiceCommand(
    deps(),
    serviceId,
    {
      kind: 'RegisterService',
      serviceId,
      domain: `${username}.example`,
      clientName: 'Ada Ltd',
      username,
      package: pkg,
      panelServerId,
      now: new Date(),
    },
    ctx,
  );
  return serviceId;
}
async function dispatch(serviceId: string, action: provisioningV1.ProvisioningAction) {
  const dispatchId = uuidv7();
  await executeServiceCommand(deps(), serviceId, { kind: 'DispatchAction', dispatchId, action, now: new Date() }, ctx);
  return dispatchId;
}
/** Waits for the dispatch's outcome on the service's stream. */
async function outcome(serviceId: string, dispatchId: string) {
  for (let i = 0; i < 400; i++) {
    const done = (await store.read(serviceRef(serviceId))).find(
      (e) =>
        (e.type.endsWith('ActionSucceeded') || e.type.endsWith('ActionFailed')) &&
        (e.data as provisioningV1.ActionSucceeded).dispatchId === dispatchId,
    );
    if (done) return done.data as provisioningV1.ActionSucceeded | provisioningV1.ActionFailed;
    await sleep(50);
  }
  throw new Error(`dispatch ${dispatchId} did not finish`);
}
const method = (e: provisioningV1.ProvisioningAttemptRecorded) => (JSON.parse(e.requestJson) as { method: string }).method;
/** The Provisioning Log entries of one dispatch (or of all), in order. */
async function entries(dispatchId?: string) {
  const stream = streamName('provisioning', nats.prefix);
  const consumer = await nats.js.consumers.get(stream, { filter_subjects: `${nats.prefix}.evt.provisioning.attempt.>` });
  const out: provisioningV1.ProvisioningAttemptRecorded[] = [];
  try {
    const batch = await consumer.fetch({ max_messages: 1_000, expires: 1_000 });
    for await (const m of batch) {
      out.push(decodeEvent(eventRegistry, m).data as provisioningV1.ProvisioningAttemptRecorded);
      if (m.info.pending === 0) break;
    }
  } finally {
    await consumer.delete().catch(() => undefined);
  }
  return dispatchId ? out.filter((e) => e.dispatchId === dispatchId) : out;
}

describe('provisioning actions against the panel, attempt by attempt', () => {
  it('the dispatch’s correlation id goes onto its log entries and its outcome (an email it causes carries it on)', async () => {
    const id = await service('good');
    const dispatchId = uuidv7();
    await executeServiceCommand(
      deps(),
      id,
      { kind: 'DispatchAction', dispatchId, action: A.CREATE, now: new Date() },
      { ...ctx, correlationId: 'click-0001' },
    );
    await outcome(id, dispatchId);
    const stored = await store.read(serviceRef(id));
    expect(stored.filter((e) => e.type.endsWith('ActionSucceeded')).map((e) => e.correlationId)).toEqual(['click-0001']);
    const consumer = await nats.js.consumers.get(streamName('provisioning', nats.prefix), {
      filter_subjects: `${nats.prefix}.evt.provisioning.attempt.>`,
    });
    const correlations: (string | undefined)[] = [];
    try {
      for await (const m of await consumer.fetch({ max_messages: 1_000, expires: 1_000 })) {
        const e = decodeEvent(eventRegistry, m);
        if ((e.data as provisioningV1.ProvisioningAttemptRecorded).dispatchId === dispatchId) correlations.push(e.correlationId);
        if (m.info.pending === 0) break;
      }
    } finally {
      await consumer.delete().catch(() => undefined);
    }
    expect(correlations).toEqual(['click-0001']);
  });

  it('a create succeeds on attempt 1 and the service becomes active', async () => {
    const id = await service('good');
    const d = await dispatch(id, A.CREATE);
    expect(await outcome(id, d)).toMatchObject({ $typeName: 'platform.provisioning.v1.ActionSucceeded', state: S.ACTIVE, attempts: 1 });
    expect((await entries(d)).map((e) => [e.attempt, e.success])).toEqual([[1, true]]);
  });

  it.each([
    ['wrong API token', 'stale-token', 'Business', 'bad_token'],
    ['package name mismatch', 'good', 'business', 'package_not_found'],
    ['self-signed certificate', 'self-signed', 'Business', 'tls_untrusted'],
  ])('%s: one attempt, classified, no retry', async (_name, panel, pkg, code) => {
    const id = await service(panel, pkg);
    const d = await dispatch(id, A.CREATE);
    expect(await outcome(id, d)).toMatchObject({ $typeName: 'platform.provisioning.v1.ActionFailed', attempts: 1, diagnosis: code });
    const log = await entries(d);
    expect(log.map((e) => [e.attempt, e.success, e.diagnosisCode])).toEqual([[1, false, code]]);
    expect(log[0]!.fix.length).toBeGreaterThan(10);
  });

  it('an existing username: one attempt, 422 account already exists', async () => {
    const first = await service('good', 'Business', 'taken');
    await outcome(first, await dispatch(first, A.CREATE));
    const id = await service('good', 'Business', 'taken');
    const d = await dispatch(id, A.CREATE);
    expect(await outcome(id, d)).toMatchObject({ attempts: 1, diagnosis: 'account_exists' });
  });

  it('connection refused (wrong api_url): three attempts, then nothing retries; the service state is unchanged', async () => {
    const id = await service('wrong-url');
    const d = await dispatch(id, A.CREATE);
    expect(await outcome(id, d)).toMatchObject({
      $typeName: 'platform.provisioning.v1.ActionFailed',
      attempts: 3,
      diagnosis: 'unreachable',
    });
    expect((await entries(d)).map((e) => [e.attempt, e.diagnosisCode])).toEqual([
      [1, 'unreachable'],
      [2, 'unreachable'],
      [3, 'unreachable'],
    ]);
    await sleep(500);
    expect(await entries(d)).toHaveLength(3);
  });

  it('504 from a slow panel three times: three attempts; once: succeeds on attempt 2', async () => {
    await fetch(`${sim.httpUrl}/_sim/faults`, { method: 'POST', body: JSON.stringify({ mode: 'slow', delayMs: 50, count: 3 }) });
    const always = await service('good');
    const d1 = await dispatch(always, A.CREATE);
    expect(await outcome(always, d1)).toMatchObject({ attempts: 3, diagnosis: 'timeout' });

    await fetch(`${sim.httpUrl}/_sim/faults`, { method: 'POST', body: JSON.stringify({ mode: 'slow', delayMs: 50, count: 1 }) });
    const once = await service('good');
    const d2 = await dispatch(once, A.CREATE);
    expect(await outcome(once, d2)).toMatchObject({ $typeName: 'platform.provisioning.v1.ActionSucceeded', attempts: 2 });
    // The retry first asks whether attempt 1 created the account after all (404: no), then creates it.
    expect((await entries(d2)).map((e) => [e.attempt, e.success, method(e)])).toEqual([
      [1, false, 'POST'],
      [2, true, 'GET'],
      [2, true, 'POST'],
    ]);
  });

  it('a create whose answer was lost after the panel made the account: the retry finds it there and succeeds', async () => {
    await fetch(`${sim.httpUrl}/_sim/faults`, { method: 'POST', body: JSON.stringify({ mode: 'lost-reply', count: 1 }) });
    const id = await service('good', 'Business', 'lostreply');
    const d = await dispatch(id, A.CREATE);
    expect(await outcome(id, d)).toMatchObject({ $typeName: 'platform.provisioning.v1.ActionSucceeded', state: S.ACTIVE, attempts: 2 });
    expect((await entries(d)).map((e) => [e.attempt, e.success, method(e), e.diagnosisCode])).toEqual([
      [1, false, 'POST', 'dropped'],
      [2, true, 'GET', ''],
    ]);
    expect(sim.accounts.get('lostreply')).toMatchObject({ domain: 'lostreply.example', state: 'active' });
  });

  it('a re-trigger after a job that made the account but never heard so: it finds the account instead of a duplicate', async () => {
    const fault = (body: unknown) => fetch(`${sim.httpUrl}/_sim/faults`, { method: 'POST', body: JSON.stringify(body) });
    await fault({ mode: 'lost-reply', count: 1 });
    await fault({ mode: 'drop', count: 2 });
    const id = await service('good', 'Business', 'neverheard');
    const d1 = await dispatch(id, A.CREATE);
    expect(await outcome(id, d1)).toMatchObject({ $typeName: 'platform.provisioning.v1.ActionFailed', attempts: 3, diagnosis: 'dropped' });
    expect(sim.accounts.has('neverheard')).toBe(true);

    const d2 = await dispatch(id, A.CREATE);
    expect(await outcome(id, d2)).toMatchObject({ $typeName: 'platform.provisioning.v1.ActionSucceeded', state: S.ACTIVE, attempts: 1 });
    expect((await entries(d2)).map((e) => [e.attempt, e.success, method(e)])).toEqual([[1, true, 'GET']]);
  });

  it('a terminate whose answer was lost: the retry finds no account and counts it terminated', async () => {
    const id = await service('good', 'Business', 'goner');
    await outcome(id, await dispatch(id, A.CREATE));
    await fetch(`${sim.httpUrl}/_sim/faults`, { method: 'POST', body: JSON.stringify({ mode: 'lost-reply', count: 1 }) });
    const d = await dispatch(id, A.TERMINATE);
    expect(await outcome(id, d)).toMatchObject({ $typeName: 'platform.provisioning.v1.ActionSucceeded', state: S.TERMINATED, attempts: 2 });
    expect((await entries(d)).map((e) => [e.attempt, e.success, method(e), JSON.parse(e.responseJson).status ?? 'none'])).toEqual([
      [1, false, 'DELETE', 'none'],
      [2, true, 'DELETE', 404],
    ]);
    expect(sim.accounts.has('goner')).toBe(false);
  });

  it('a replayed dispatch calls the panel no more: Temporal refuses the finished job, and a stale one stops before the panel', async () => {
    const before = { calls: sim.passwordsReceived.length, entries: (await entries()).length };
    await dispatcher.rebuild(); // replays every ActionDispatched so far
    await expect.poll(async () => (await dispatcher.status()).lag, { timeout: 20_000 }).toBe(0);

    // Past Temporal's retention the id could be reused: the activity itself refuses a dispatch that is not the running one.
    const id = await service('good', 'Business', 'stale');
    const stale = await temporal.client.workflow.execute(provisionAction, {
      taskQueue,
      workflowId: `stale-${uuidv7()}`,
      args: [{ serviceId: id, dispatchId: 'not-the-running-one', action: A.CREATE, retryInitialIntervalMs: 100 }],
    });
    expect(stale).toBe('failed');
    await sleep(500);
    expect({ calls: sim.passwordsReceived.length, entries: (await entries()).length }).toEqual(before);
    expect((await store.read(serviceRef(id))).map((e) => e.type)).toEqual([provisioningV1.ServiceRegisteredSchema.typeName]);
  });

  it('a panel error page that echoes the request (Authorization header, password) is stored, and diagnosed, without either', async () => {
    const id = await service('good');
    await fetch(`${sim.httpUrl}/_sim/faults`, { method: 'POST', body: JSON.stringify({ mode: 'echo', status: 502, count: 1 }) });
    const dispatchId = await dispatch(id, A.CREATE);
    expect(await outcome(id, dispatchId)).toMatchObject({ $typeName: provisioningV1.ActionSucceededSchema.typeName });
    const [echoed] = await entries(dispatchId);
    expect(echoed).toMatchObject({ attempt: 1, success: false, diagnosisCode: 'panel_error' });
    const stored = [echoed!.requestJson, echoed!.responseJson, echoed!.cause, echoed!.fix].join('\n');
    expect(stored).toContain('proxy debug page');
    expect(stored).toContain('[redacted]');
    expect(stored).not.toContain(TOKEN);
    expect(sim.passwordsReceived.length).toBeGreaterThan(0);
    for (const password of sim.passwordsReceived) expect(stored).not.toContain(password);
  });

  it('no secret anywhere in the stream: not the panel token, not the account password, not the Authorization header', async () => {
    const info = await nats.jsm.streams.info(streamName('provisioning', nats.prefix));
    const consumer = await nats.js.consumers.get(streamName('provisioning', nats.prefix));
    let everything = '';
    try {
      const batch = await consumer.fetch({ max_messages: info.state.messages, expires: 2_000 });
      for await (const m of batch) {
        everything += new TextDecoder().decode(m.data) + JSON.stringify([...(m.headers ?? [])]);
        if (m.info.pending === 0) break;
      }
    } finally {
      await consumer.delete().catch(() => undefined);
    }
    expect(everything.length).toBeGreaterThan(1_000);
    expect(everything).not.toContain(TOKEN);
    expect(everything).not.toMatch(/Bearer [^\\[]/);
    for (const password of sim.passwordsReceived) expect(everything).not.toContain(password);
    expect(everything).toContain('[redacted]');
  });
});
