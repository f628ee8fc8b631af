// The Idempotency-Key header of creating POSTs (issue #13 item 12): a command
// time-out answers 503 although the command may have committed, so a client
// retries; with the same key it must get the first result, not a second
// record. Through the real gateway, the provisioning commands served on NATS
// and JetStream; the ids are derived by the service from (actor, command
// type, key), and the event ids also from the request itself.
import type { Subscription } from '@nats-io/transport-node';
import { eventRegistry, provisioningV1, streamName } from '@opsledger/contracts';
import { ensureEventStream, EventStore } from '@opsledger/eventstore';
import { serveCommands } from '@opsledger/messaging';
import { provisioningCommandHandlers, SecretBox } from '@opsledger/provisioning/commands';
import { createTestDatabase, createTestNats, type TestDatabase, type TestNats } from '@opsledger/testing';
import { v7 as uuidv7 } from 'uuid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dropContextSchemas, identityDb, seedAccounts, signIn, startTestGateway } from '@opsledger/gateway/testing';

let pg: TestDatabase;
let nats: TestNats;
let store: EventStore;
let gateway: Awaited<ReturnType<typeof startTestGateway>>;
let commands: Subscription[];
let admin: string;

beforeAll(async () => {
  pg = await createTestDatabase();
  nats = await createTestNats();
  const accounts = await seedAccounts(await identityDb(pg, nats.prefix));
  await ensureEventStream(nats.jsm, 'provisioning', { prefix: nats.prefix });
  store = new EventStore(nats.js, nats.jsm, eventRegistry, nats.prefix);
  const deps = { store, secrets: new SecretBox('idempotency-test-sealing-key'), newId: uuidv7, now: () => new Date() };
  commands = serveCommands(nats.nc, provisioningCommandHandlers(deps), { prefix: nats.prefix, queue: 'provisioning' });
  gateway = await startTestGateway(pg, nats);
  admin = (await signIn(gateway.url, accounts.admin.email, accounts.password)).cookie;
});
afterAll(async () => {
  await Promise.all((commands ?? []).map((s) => s.drain()));
  await gateway?.close();
  await dropContextSchemas(pg, nats.prefix);
  await nats?.dispose();
  await pg?.dispose();
});

async function post(path: string, body: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(`${gateway.url}${path}`, {
    method: 'POST',
    headers: { cookie: admin, 'x-requested-with': 'XMLHttpRequest', 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, any> };
}

/** The subjects of the provisioning stream's events of one type. */
async function stored(typeName: string): Promise<string[]> {
  const ids: string[] = [];
  const info = await nats.jsm.streams.info(streamName('provisioning', nats.prefix));
  for (let seq = info.state.first_seq; seq <= info.state.last_seq && info.state.messages > 0; seq++) {
    const msg = await nats.jsm.streams.getMessage(streamName('provisioning', nats.prefix), { seq });
    if (msg?.header.get('Ops-Event-Type') === typeName) ids.push(msg.subject);
  }
  return ids;
}

const panel = { name: 'panel one', apiUrl: 'https://panel.example:2087', apiToken: 'tok-123' };
const service = (panelServerId: string, domain = 'ada.example.com') => ({
  domain,
  clientName: 'Ada',
  username: 'ada',
  package: 'Business',
  panelServerId,
});

describe('Idempotency-Key on creating POSTs', () => {
  it('the same POST twice with one key makes one panel server and one service, and answers the same id and body both times', async () => {
    const key = { 'idempotency-key': `ps-${uuidv7()}` };
    const first = await post('/api/panel-servers', panel, key);
    const again = await post('/api/panel-servers', panel, key);
    expect(first.status).toBe(201);
    expect(again).toEqual(first);
    expect(await stored(provisioningV1.PanelServerRegisteredSchema.typeName)).toHaveLength(1);

    const serviceKey = { 'idempotency-key': `svc-${uuidv7()}` };
    const created = await post('/api/services', service(first.body.id), serviceKey);
    expect(created.status).toBe(201);
    // A retry after a time-out, and two sent at once (both derive the same id and event ids: one is stored).
    const [a, b] = await Promise.all([
      post('/api/services', service(first.body.id), serviceKey),
      post('/api/services', service(first.body.id), serviceKey),
    ]);
    expect(a).toEqual(created);
    expect(b).toEqual(created);
    expect(await stored(provisioningV1.ServiceRegisteredSchema.typeName)).toEqual([expect.stringContaining(created.body.id)]);
  });

  it('the same key with a different body is a 409 saying the key was used for a different request, and nothing is stored', async () => {
    const key = { 'idempotency-key': `ps-${uuidv7()}` };
    const first = await post('/api/panel-servers', { ...panel, name: 'panel two' }, key);
    expect(first.status).toBe(201);
    const before = await stored(provisioningV1.PanelServerRegisteredSchema.typeName);
    const other = await post('/api/panel-servers', { ...panel, name: 'panel three' }, key);
    expect(other.status).toBe(409);
    expect(other.body.message).toMatch(/Idempotency-Key .* already used for a different request/);
    expect(await stored(provisioningV1.PanelServerRegisteredSchema.typeName)).toEqual(before);
  });

  it('an action dispatch with a key: a retry answers the same dispatch (one job), another action under the key is a 409, another service is its own', async () => {
    const ps = (await post('/api/panel-servers', { ...panel, name: 'for actions' })).body.id as string;
    const one = (await post('/api/services', service(ps, 'one.example.com'))).body.id as string;
    const two = (await post('/api/services', service(ps, 'two.example.com'))).body.id as string;
    const key = { 'idempotency-key': `act-${uuidv7()}` };
    const first = await post(`/api/services/${one}/actions`, { action: 'create' }, key);
    expect(first.status).toBe(202);
    // No worker runs here, so the job is still running: without the key a second dispatch would be refused as such.
    const again = await post(`/api/services/${one}/actions`, { action: 'create' }, key);
    expect(again).toEqual(first);
    expect((await post(`/api/services/${one}/actions`, { action: 'create' })).status).toBe(409);
    expect(await stored(provisioningV1.ActionDispatchedSchema.typeName)).toEqual([expect.stringContaining(one)]);

    const other = await post(`/api/services/${one}/actions`, { action: 'terminate' }, key);
    expect(other.status).toBe(409);
    expect(other.body.message).toMatch(/Idempotency-Key .* already used for a different request/);

    const elsewhere = await post(`/api/services/${two}/actions`, { action: 'create' }, key);
    expect(elsewhere.status).toBe(202);
    expect(elsewhere.body.dispatchId).not.toBe(first.body.dispatchId);
  });

  it('without a key, as before: each POST makes a new record', async () => {
    const first = await post('/api/panel-servers', { ...panel, name: 'unkeyed' });
    const second = await post('/api/panel-servers', { ...panel, name: 'unkeyed' });
    expect(first.status).toBe(201);
    expect(second.status).toBe(201);
    expect(second.body.id).not.toBe(first.body.id);
  });

  it('a malformed key is a 400 naming the header, and nothing is stored', async () => {
    const before = await stored(provisioningV1.PanelServerRegisteredSchema.typeName);
    for (const bad of ['has space', 'a'.repeat(256), 'semi;colon', 'quo"te', 'caf\u00e9']) {
      const res = await post('/api/panel-servers', panel, { 'idempotency-key': bad });
      expect(res.status, bad).toBe(400);
      expect(res.body.violations).toEqual([{ field: 'Idempotency-Key', rule: 'format', message: expect.stringContaining('1–255') }]);
    }
    expect(await stored(provisioningV1.PanelServerRegisteredSchema.typeName)).toEqual(before);
  });
});
