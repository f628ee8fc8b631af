// Malformed input against the provisioning endpoints: generated bodies,
// ids and list queries, FUZZ_RUNS per endpoint (2,000 in `npm test`; run
// FUZZ_RUNS=10000 for the DESIGN.md §8 figure, about 3 minutes). Every answer
// must be a 4xx that says what is wrong or a success, never a 5xx; nothing
// is stored unless the answer says it was.
import type { Subscription } from '@nats-io/transport-node';
import { eventRegistry, streamName } from '@opsledger/contracts';
import { ensureEventStream, EventStore } from '@opsledger/eventstore';
import { serveCommands } from '@opsledger/messaging';
import { provisioningCommandHandlers, SecretBox } from '@opsledger/provisioning/commands';
import { createTestDatabase, createTestNats, type TestDatabase, type TestNats } from '@opsledger/testing';
import fc from 'fast-check';
import { v7 as uuidv7 } from 'uuid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dropContextSchemas, identityDb, seedAccounts, signIn, startTestGateway } from './test-support/test-gateway';

const RUNS = Number(process.env.FUZZ_RUNS ?? 2_000);

let pg: TestDatabase;
let nats: TestNats;
let gateway: Awaited<ReturnType<typeof startTestGateway>>;
let commands: Subscription[];
let cookie: string;
const known = { panelServerId: '', serviceId: '' };

beforeAll(async () => {
  pg = await createTestDatabase();
  nats = await createTestNats();
  const accounts = await seedAccounts(await identityDb(pg, nats.prefix));
  await ensureEventStream(nats.jsm, 'provisioning', { prefix: nats.prefix });
  const store = new EventStore(nats.js, nats.jsm, eventRegistry, nats.prefix);
  const deps = { store, secrets: new SecretBox('fuzz-test-sealing-key'), newId: uuidv7, now: () => new Date() };
  commands = serveCommands(nats.nc, provisioningCommandHandlers(deps), { prefix: nats.prefix, queue: 'provisioning' });
  gateway = await startTestGateway(pg, nats);
  cookie = (await signIn(gateway.url, accounts.admin.email, accounts.password)).cookie;
  // One real panel server and service, so generated input also reaches the paths where they exist.
  const panel = await send('POST', '/api/panel-servers', JSON.stringify({ name: 'p', apiUrl: 'https://panel.example', apiToken: 't' }));
  known.panelServerId = (JSON.parse(panel.text) as { id: string }).id;
  const service = await send(
    'POST',
    '/api/services',
    JSON.stringify({
      domain: 'ada.example.com',
      clientName: 'Ada',
      username: 'ada',
      package: 'Business',
      panelServerId: known.panelServerId,
    }),
  );
  known.serviceId = (JSON.parse(service.text) as { id: string }).id;
});
afterAll(async () => {
  await Promise.all((commands ?? []).map((s) => s.drain()));
  await gateway?.close();
  await dropContextSchemas(pg, nats.prefix);
  await nats?.dispose();
  await pg?.dispose();
});

const storedEvents = async () => Number((await nats.jsm.streams.info(streamName('provisioning', nats.prefix))).state.messages);

async function send(method: string, path: string, body?: string) {
  const res = await fetch(`${gateway.url}${path}`, {
    method,
    headers: { cookie, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body,
  });
  const text = await res.text();
  return { status: res.status, text };
}

/** Values of every JSON type, and strings that look almost right. */
const nearly = fc.oneof(
  fc.jsonValue(),
  fc.string({ maxLength: 300 }),
  fc.constantFrom('', ' ', 'ada', 'shop.example.com', 'Business', 'https://panel.example:2087', 'create', '💥', 'a'.repeat(5_000)),
  fc.integer(),
  fc.boolean(),
  fc.constant(null),
);
const bodyOf = (fields: string[]) =>
  fc.oneof(
    fc.dictionary(fc.constantFrom(...fields, 'extra', '__proto__', 'constructor'), nearly),
    fc.jsonValue(),
    fc.string({ maxLength: 200 }), // not JSON at all
  );
/** Strings that pass the gateway's type check, so the service's own rules get exercised too. */
const text = (...likely: string[]) =>
  fc.oneof(
    fc.string({ maxLength: 120 }),
    fc.constantFrom(...likely, '', ' ', '💥', 'a\nb', 'a'.repeat(300)),
    fc.webUrl({ withQueryParameters: true, withFragments: true }),
  );
const typedPanelServer = fc.record(
  {
    name: text('web-1'),
    apiUrl: text('https://panel.example:2087', 'https://u:p@panel.example', 'ftp://panel', 'http://a b'),
    apiToken: text('tok-123', 'a b'),
    tlsVerify: fc.boolean(),
    timeoutMs: fc.oneof(fc.integer(), fc.constantFrom(999, 1_000, 60_000, 60_001)),
  },
  { requiredKeys: ['name', 'apiUrl', 'apiToken'] },
);
const typedService = fc.record({
  domain: text('shop.example.com', 'Shop.Example.com', 'no-dot'),
  clientName: text('Ada Ltd'),
  username: text('ada', 'Ada', '1ada', 'ada_lovelace'),
  package: text('Business'),
  panelServerId: fc.oneof(
    text('p1', 'no such', '../x', 'a.b'),
    fc.constant(null).map(() => known.panelServerId),
  ),
});

const asBody = (value: unknown) => (typeof value === 'string' && !value.startsWith('"') ? value : JSON.stringify(value));

/** The answer is a clear refusal or a success; a refusal stores nothing, a 400 names the field. */
async function expectSafe(method: string, path: string, body: string | undefined, ok: number[], refusals: number[]) {
  const before = await storedEvents();
  const res = await send(method, path, body);
  expect([...ok, ...refusals], `${method} ${path} ${body?.slice(0, 200)} → ${res.status} ${res.text.slice(0, 300)}`).toContain(res.status);
  if (refusals.includes(res.status)) {
    expect(await storedEvents()).toBe(before);
    const error = JSON.parse(res.text) as { message?: string; violations?: { field: string; rule: string }[] };
    expect(error.message?.length).toBeGreaterThan(0);
    if (res.status === 400 && error.violations) for (const v of error.violations) expect(v.field.length).toBeGreaterThan(0);
  }
}

describe('generated malformed input never reaches a 5xx and never stores a refused record', () => {
  it('POST /api/panel-servers', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(bodyOf(['name', 'apiUrl', 'apiToken', 'tlsVerify', 'timeoutMs']), typedPanelServer), (body) =>
        expectSafe('POST', '/api/panel-servers', asBody(body), [201], [400]),
      ),
      { numRuns: RUNS },
    );
  });

  it('POST /api/services', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(bodyOf(['domain', 'clientName', 'username', 'package', 'panelServerId']), typedService), (body) =>
        expectSafe('POST', '/api/services', asBody(body), [201], [400]),
      ),
      { numRuns: RUNS },
    );
  });

  it('POST /api/services/<id>/actions', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.string({ minLength: 1, maxLength: 100 }),
          fc.constant(null).map(() => known.serviceId),
        ),
        fc.oneof(bodyOf(['action']), fc.record({ action: text('create', 'suspend', 'unsuspend', 'terminate', 'reboot') })),
        (id, body) => expectSafe('POST', `/api/services/${encodeURIComponent(id)}/actions`, asBody(body), [202], [400, 404, 409]),
      ),
      { numRuns: RUNS },
    );
  });

  it('GET lists with generated filter, sort and range', async () => {
    const param = fc.oneof(
      fc.jsonValue().map((v) => JSON.stringify(v)),
      fc.string({ maxLength: 100 }),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('provisioning-log', 'services', 'panel-servers'),
        fc.record({ filter: param, sort: param, range: param }, { requiredKeys: [] }),
        async (resource, query) => {
          const search = new URLSearchParams(query as Record<string, string>).toString();
          const res = await send('GET', `/api/${resource}?${search}`);
          expect([200, 400], `${resource}?${search} → ${res.status} ${res.text.slice(0, 300)}`).toContain(res.status);
        },
      ),
      { numRuns: RUNS },
    );
  });
});
