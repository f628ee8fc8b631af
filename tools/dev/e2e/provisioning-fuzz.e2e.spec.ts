// Malformed input against the provisioning endpoints: generated bodies,
// ids and list queries, FUZZ_RUNS per endpoint (2,000 in `npm test`; run
// FUZZ_RUNS=10000 for the DESIGN.md §8 figure, about 3 minutes). Every answer
// must be a 4xx that says what is wrong or a success, never a 5xx; nothing
// is stored unless the answer says it was. Then every POST/PUT/PATCH route of
// the gateway (found in its router, so a new route is covered without a line
// here) gets bodies it cannot read: broken JSON, other content types, too big.
import type { Subscription } from '@nats-io/transport-node';
import { CONTEXTS, eventRegistry, streamName } from '@opsledger/contracts';
import { ensureEventStream, EventStore } from '@opsledger/eventstore';
import { serveCommands } from '@opsledger/messaging';
import { provisioningCommandHandlers, SecretBox } from '@opsledger/provisioning/commands';
import { createTestDatabase, createTestNats, type TestDatabase, type TestNats } from '@opsledger/testing';
import fc from 'fast-check';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { v7 as uuidv7 } from 'uuid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dropContextSchemas, identityDb, seedAccounts, signIn, startTestGateway } from '@opsledger/gateway/testing';

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
  // As deployed: the console is served beside the API (its static middleware once turned a body-parser error into a 404).
  const consoleDist = mkdtempSync(join(tmpdir(), 'console-'));
  writeFileSync(join(consoleDist, 'index.html'), '<!doctype html><title>console</title>');
  gateway = await startTestGateway(pg, nats, { CONSOLE_DIST: consoleDist });
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

/** Every event stream's message count and every identity row that a request can add (sessions, API tokens). */
async function storedEverywhere() {
  const streams = await Promise.all(
    CONTEXTS.map(async (context) => {
      const info = await nats.jsm.streams.info(streamName(context, nats.prefix)).catch(() => undefined);
      return `${context}=${info?.state.messages ?? 0}`;
    }),
  );
  const identity = `${nats.prefix}_identity`;
  const { rows } = await sql<{ sessions: string; tokens: string }>`
    select (select count(*) from ${sql.id(identity, 'session')}) as sessions,
           (select count(*) from ${sql.id(identity, 'api_token')}) as tokens`.execute(pg.db);
  return [...streams, `sessions=${rows[0]!.sessions}`, `tokens=${rows[0]!.tokens}`].join(' ');
}

const storedEvents = async () => Number((await nats.jsm.streams.info(streamName('provisioning', nats.prefix))).state.messages);

async function send(method: string, path: string, body?: string) {
  const res = await fetch(`${gateway.url}${path}`, {
    method,
    headers: { cookie, 'x-requested-with': 'XMLHttpRequest', ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
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

describe('every POST/PUT/PATCH route refuses a body it cannot read: 400, 413 or 415 saying why, nothing stored', () => {
  const routes = () => {
    const stack = gateway.app.getHttpAdapter().getInstance().router.stack as {
      route?: { path: string; methods: Record<string, boolean> };
    }[];
    return stack.flatMap(({ route }) =>
      route && route.path.startsWith('/api/')
        ? Object.keys(route.methods)
            .filter((m) => ['post', 'put', 'patch'].includes(m))
            .map((m) => ({ method: m.toUpperCase(), path: route.path }))
        : [],
    );
  };
  const concrete = (path: string) => path.replace(':id', known.serviceId);

  /** JSON that is cut short, mistyped or not JSON at all, sent as application/json. */
  const brokenJson = fc
    .oneof(
      fc
        .jsonValue()
        .map((v) => JSON.stringify(v))
        .filter((t) => t.length > 1)
        .chain((t) => fc.nat(t.length - 1).map((n) => t.slice(0, n))),
      fc.constantFrom('{"type":', '{', '[', "{'a': 1}", '{"a":1,}', '{a:1}', 'undefined', 'NaN', '{"a":1}}', '\u0000', '\ufeff{'),
      fc.string({ minLength: 1, maxLength: 200 }),
    )
    .filter((t) => t.trim().length > 0 && !isJson(t));
  const otherTypes = fc.constantFrom(
    'text/plain',
    'application/x-www-form-urlencoded',
    'multipart/form-data; boundary=x',
    'text/html',
    'application/xml',
    'application/octet-stream',
    'application/jsonp',
  );
  const readable = fc.oneof(
    fc.jsonValue().map((v) => JSON.stringify(v)),
    fc.constantFrom('action=terminate', 'type=instance.deploy&target[userId]=u'),
  );

  async function expectRefused(method: string, path: string, contentType: string, body: string, statuses: number[], says: RegExp) {
    const before = await storedEverywhere();
    const res = await fetch(`${gateway.url}${path}`, {
      method,
      headers: { cookie, 'x-requested-with': 'XMLHttpRequest', 'content-type': contentType },
      body,
    });
    const text = await res.text();
    const what = `${method} ${path} [${contentType}] ${body.slice(0, 120)} → ${res.status} ${text.slice(0, 300)}`;
    expect(statuses, what).toContain(res.status);
    expect((JSON.parse(text) as { message: string }).message, what).toMatch(says);
    expect(await storedEverywhere(), what).toBe(before);
  }

  it('finds the routes', () => {
    expect(routes().map((r) => `${r.method} ${r.path}`)).toEqual(
      expect.arrayContaining(['POST /api/tasks', 'POST /api/auth/login', 'POST /api/services/:id/actions', 'PATCH /api/schedules/:id']),
    );
  });

  it('broken JSON is a 400 saying the body is not valid JSON', async () => {
    const all = routes();
    for (const { method, path } of all)
      await expectRefused(method, concrete(path), 'application/json', '{"type":', [400], /not valid JSON/);
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...all), brokenJson, ({ method, path }, body) =>
        expectRefused(method, concrete(path), 'application/json', body, [400], /not valid JSON/),
      ),
      { numRuns: RUNS },
    );
  });

  it('a body that is not JSON is a 415 naming the type wanted', async () => {
    const all = routes();
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...all), otherTypes, readable, ({ method, path }, type, body) =>
        expectRefused(method, concrete(path), type, body, [415], /application\/json/),
      ),
      { numRuns: RUNS },
    );
  });

  it('a body over the limit is a 413', async () => {
    const big = JSON.stringify({ name: 'x'.repeat(200_000), type: 'instance.deploy', action: 'create' });
    for (const { method, path } of routes()) await expectRefused(method, concrete(path), 'application/json', big, [413], /too large/);
  });
});

function isJson(text: string) {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}
