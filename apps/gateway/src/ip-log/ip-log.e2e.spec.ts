// The IP Log with the logins service running as its own process (started from services.manifest.json's entry, as
// `npm start` starts it) beside a gateway on the test's own prefix: the client address through a trusted proxy and
// through an untrusted one, a Settings → Security change applied on the next sign-in without a restart, a public
// address's country and network from the shipped databases, a private one labelled, a brute force raising a block that
// refuses the next attempt until an admin lifts it, a success from a new country recorded with its login.new-location
// email requested from the email service (on its real NATS subject; the email service itself is tested on its own),
// and customers kept out of every route.
import { create, fromBinary, toBinary } from '@bufbuild/protobuf';
import type { Subscription } from '@nats-io/transport-node';
import { commandSubject, emailV1 } from '@opsledger/contracts';
import {
  createTestDatabase,
  createTestNats,
  freePort,
  ServiceProcess,
  type TestDatabase,
  type TestNats,
  testEnv,
} from '@opsledger/testing';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dropContextSchemas, identityDb, seedAccounts, signIn, startTestGateway } from '../test-support/test-gateway';

let pg: TestDatabase;
let nats: TestNats;
let gateway: Awaited<ReturnType<typeof startTestGateway>>;
let logins: ServiceProcess;
let accounts: Awaited<ReturnType<typeof seedAccounts>>;
let admin: string;
let customer: string;
let emailRequests: Subscription;
const emailsAsked: emailV1.SendEmail[] = [];

beforeAll(async () => {
  pg = await createTestDatabase();
  nats = await createTestNats();
  // Whoever answers cmd.email.send-email is the email service to the logins service: this one records what it is asked.
  emailRequests = nats.nc.subscribe(commandSubject('email', 'send-email', nats.prefix), {
    callback: (_error, msg) => {
      emailsAsked.push(fromBinary(emailV1.SendEmailSchema, msg.data));
      msg.respond(toBinary(emailV1.SendEmailResultSchema, create(emailV1.SendEmailResultSchema, { emailId: 'e1', templateVersion: 1 })));
    },
  });
  const port = await freePort();
  logins = ServiceProcess.start('logins', 'services/logins/src/main.ts', {
    DATABASE_URL: testEnv.databaseUrl,
    NATS_URL: nats.url,
    OPSLEDGER_PREFIX: nats.prefix,
    LOGINS_PORT: String(port),
  });
  gateway = await startTestGateway(pg, nats);
  await logins.waitReady(`http://127.0.0.1:${port}/readyz`, 150_000);
  accounts = await seedAccounts(await identityDb(pg, nats.prefix));
  admin = (await signIn(gateway.url, accounts.admin.email, accounts.password)).cookie;
  customer = (await signIn(gateway.url, accounts.alice.email, accounts.password)).cookie;
}, 180_000);
afterAll(async () => {
  emailRequests?.unsubscribe();
  await logins?.stop();
  await gateway?.close();
  if (nats) await dropContextSchemas(pg, nats.prefix);
  await nats?.dispose();
  await pg?.dispose();
});

const call = async (method: string, path: string, body?: unknown, cookie = admin, headers: Record<string, string> = {}) => {
  const res = await fetch(`${gateway.url}${path}`, {
    method,
    headers: {
      cookie,
      'x-requested-with': 'XMLHttpRequest',
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...headers,
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, text, json: text && /^[[{]/.test(text) ? (JSON.parse(text) as any) : undefined };
};
async function until<T>(read: () => Promise<T>, ok: (value: T) => boolean, what: string, ms = 30_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await read();
    if (ok(value)) return value;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${ms} ms (last: ${JSON.stringify(value).slice(0, 500)})`);
    await sleep(100);
  }
}
const ipLog = (filter: object) => call('GET', `/api/ip-log?filter=${encodeURIComponent(JSON.stringify(filter))}`);
/** Signs in through a "proxy": the request comes from 127.0.0.1 and carries X-Forwarded-For. */
const signInVia = (forwardedFor: string, email = accounts.admin.email, password = accounts.password) =>
  signIn(gateway.url, email, password, { 'x-forwarded-for': forwardedFor, 'user-agent': `ip-log-test ${forwardedFor}` });
/**
 * The attempt made with this chain (its user agent names it, and a user agent no parser knows is summarised as
 * itself), once the logins service has located it.
 */
async function located(forwardedFor: string, email = accounts.admin.email) {
  const rows = await until(
    async () => ((await ipLog({ email })).json ?? []) as any[],
    (rows) => rows.some((r) => r.userAgentSummary === `ip-log-test ${forwardedFor}`),
    `attempt via ${forwardedFor} located`,
  );
  return rows.find((r) => r.userAgentSummary === `ip-log-test ${forwardedFor}`);
}

const security = (trustedProxies: string[], threshold = 3) => ({
  trustedProxies,
  notifications: { newLocation: true, sessionExpired: false },
  bruteForce: { threshold, windowSeconds: 600, coolDownSeconds: 600 },
});

describe('Settings → Security', () => {
  it('a bad proxy entry is a 400 naming it; a good section is saved with its actor', async () => {
    const bad = await call('PUT', '/api/settings/security', security(['127.0.0.1', '10.0.0.300/8']));
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('trustedProxies.1');
    expect(bad.text).toContain('10.0.0.300/8');
    const saved = await call('PUT', '/api/settings/security', security(['127.0.0.1', '10.0.0.0/8']));
    expect(saved.status).toBe(200);
    expect(saved.json).toMatchObject({ saved: true, trustedProxies: ['127.0.0.1', '10.0.0.0/8'], trustedProxiesSource: 'settings' });
    expect(saved.json.updatedBy).toContain(accounts.admin.id);
    expect((await call('GET', '/api/settings/security')).json.bruteForce).toEqual({
      threshold: 3,
      windowSeconds: 600,
      coolDownSeconds: 600,
    });
  });
});

describe('the client address', () => {
  it('through a trusted proxy: the forwarded client, with the peer and the chain (trusted hops marked)', async () => {
    expect((await signInVia('8.8.8.8, 10.1.2.3')).res.status).toBe(200);
    const row = await located('8.8.8.8, 10.1.2.3');
    expect(row).toMatchObject({ ip: '8.8.8.8', peerIp: '127.0.0.1', result: 'succeeded', channel: 'panel' });
    const { json: one } = await call('GET', `/api/ip-log/${row.id}`);
    expect(one.forwardedFor).toEqual([
      { ip: '8.8.8.8', trusted: false },
      { ip: '10.1.2.3', trusted: true },
    ]);
    expect(one.userAgent).toBe('ip-log-test 8.8.8.8, 10.1.2.3');
  });

  it('a public address gets its country and network from the shipped databases, with their dates', async () => {
    const row = await located('8.8.8.8, 10.1.2.3');
    expect(row).toMatchObject({ ipClass: 'public', countryCode: 'US', asn: 15169, network: 'Google LLC' });
    const { json: one } = await call('GET', `/api/ip-log/${row.id}`);
    expect(one.databases.country).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(one.databases.asn).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  });

  it('a private address is labelled private and not looked up', async () => {
    await signInVia('192.168.7.20');
    expect(await located('192.168.7.20')).toMatchObject({ ip: '192.168.7.20', ipClass: 'private', countryCode: null, asn: null });
  });

  it('a change of trusted proxies applies on the next sign-in, no restart: an untrusted peer is recorded itself', async () => {
    expect((await call('PUT', '/api/settings/security', security(['10.0.0.0/8']))).status).toBe(200);
    await signInVia('8.8.4.4');
    const row = await located('8.8.4.4');
    expect(row).toMatchObject({ ip: '127.0.0.1', peerIp: '127.0.0.1', ipClass: 'loopback' });
    expect((await call('GET', `/api/ip-log/${row.id}`)).json.forwardedFor).toEqual([{ ip: '8.8.4.4', trusted: false }]);
    expect((await call('PUT', '/api/settings/security', security(['127.0.0.1', '10.0.0.0/8']))).status).toBe(200);
    await signInVia('9.9.9.9');
    expect(await located('9.9.9.9')).toMatchObject({ ip: '9.9.9.9' });
  });

  it('filters by address exact or CIDR, and exports CSV', async () => {
    const exact = (await ipLog({ ip: '192.168.7.20' })).json as any[];
    expect(exact.map((r) => r.ip)).toEqual(['192.168.7.20']);
    const cidr = (await ipLog({ ip: '8.8.0.0/16' })).json as any[];
    expect(new Set(cidr.map((r) => r.ip))).toEqual(new Set(['8.8.8.8']));
    const bad = await ipLog({ ip: '8.8.8.0/33' });
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('filter.ip');
    const csv = await call('GET', `/api/ip-log?filter=${encodeURIComponent(JSON.stringify({ country: 'us' }))}`, undefined, admin, {
      accept: 'text/csv',
    });
    expect(csv.status).toBe(200);
    expect(csv.text.split('\n')[0]).toContain('country');
    expect(csv.text).toContain('8.8.8.8');
  });
});

describe('new location', () => {
  it('a success from a country not seen for the user records login.new-location and queues the email', async () => {
    await signInVia('193.99.144.80');
    const row = await until(
      () => located('193.99.144.80'),
      (r) => r?.newLocation !== null,
      'new location recorded',
    );
    expect(row).toMatchObject({ countryCode: 'DE', newLocation: 'country,asn' });
    expect((await call('GET', `/api/ip-log/${row.id}`)).json.notified).toBe(true);
    const asked = await until(
      async () => emailsAsked.filter((e) => e.template === 'login.new-location' && JSON.stringify(e.data).includes('193.99.144.80')),
      (list) => list.length > 0,
      'login.new-location requested',
    );
    expect(asked[0]).toMatchObject({ to: accounts.admin.email, causedByEventType: 'platform.logins.v1.LoginNewLocation' });
    expect(asked[0]!.data).toMatchObject({ login: { ip: '193.99.144.80', location: 'DE, AS206564 Plus.line AG' } });
    // Seen before now: the same place again is not new.
    await signInVia('193.99.144.81');
    expect((await located('193.99.144.81')).newLocation).toBeNull();
  });
});

describe('brute force', () => {
  it('N failures from one address raise a block; the next attempt is refused with the cool-down; an admin lifts it', async () => {
    for (let i = 0; i < 3; i++) expect((await signInVia('198.51.100.77', 'nobody@example.test', 'wrong-password')).res.status).toBe(401);
    const blocks = await until(
      async () => ((await call('GET', '/api/login-blocks')).json ?? []) as any[],
      (list) => list.some((b) => b.scope === 'ip' && b.key === '198.51.100.77' && b.active),
      'ip block raised',
    );
    const block = blocks.find((b) => b.scope === 'ip' && b.key === '198.51.100.77');
    expect(block).toMatchObject({ failures: 3, windowSeconds: 600 });
    expect(blocks.some((b) => b.scope === 'account' && b.key === 'nobody@example.test' && b.active)).toBe(true);

    const refused = await signInVia('198.51.100.77');
    expect(refused.res.status).toBe(429);
    const body = (await refused.res.json()) as { message: string; retryAfterSeconds: number };
    expect(body.message).toMatch(/your address is blocked after repeated failed sign-ins \(suspected attack\) until .* UTC/);
    expect(body.retryAfterSeconds).toBeGreaterThan(500);

    // Once the refusal is in the log, it is counted as refused, not as a fourth failure.
    const summary = await until(
      async () => (await call('GET', '/api/ip-log-summary')).json,
      (s) => s.attempts.rateLimited >= 1,
      'refused attempt in the summary',
    );
    expect(summary.failuresByIp).toEqual(expect.arrayContaining([expect.objectContaining({ ip: '198.51.100.77', failures: 3 })]));

    const lifted = await call('POST', `/api/login-blocks/${block.id}/lift`);
    expect(lifted.status).toBe(200);
    expect(lifted.json).toMatchObject({ active: false, liftedBy: expect.stringContaining(accounts.admin.id) });
    expect((await signInVia('198.51.100.77')).res.status).toBe(200);
    expect((await call('POST', `/api/login-blocks/${block.id}/lift`)).status).toBe(409);
  });
});

describe('customers', () => {
  it.each([
    ['GET', '/api/ip-log'],
    ['GET', '/api/ip-log-summary'],
    ['GET', '/api/login-blocks'],
    ['GET', '/api/settings/security'],
    ['PUT', '/api/settings/security'],
  ])('%s %s → 403', async (method, path) => {
    expect((await call(method, path, method === 'GET' ? undefined : security([]), customer)).status).toBe(403);
  });
});
