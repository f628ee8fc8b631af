import { loginsV1 } from '@opsledger/contracts';
import { createTestDatabase, createTestNats, type TestDatabase, type TestNats } from '@opsledger/testing';
import { contextSchema } from '@opsledger/db';
import { sql } from 'kysely';
import { createHash } from 'node:crypto';
import { connect } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dropContextSchemas, identityDb, seedAccounts, signIn, startTestGateway } from './test-support/test-gateway';
import { AuthService } from './auth/auth.service';
import { createTaskEvent, loginEvents, recordAttemptEvent, streamEvents } from './test-support/streams';
import { ensureEventStream } from '@opsledger/eventstore';

let pg: TestDatabase;
let nats: TestNats;
let gateway: Awaited<ReturnType<typeof startTestGateway>>;
let accounts: Awaited<ReturnType<typeof seedAccounts>>;
const cookies: Record<'admin' | 'alice' | 'bob', string> = { admin: '', alice: '', bob: '' };

beforeAll(async () => {
  pg = await createTestDatabase();
  nats = await createTestNats();
  accounts = await seedAccounts(await identityDb(pg, nats.prefix));
  gateway = await startTestGateway(pg, nats, {
    LOGIN_MAX_FAILURES_PER_ACCOUNT_AND_IP: '3',
    LOGIN_MAX_FAILURES_PER_IP: '50',
    LIVE_HEARTBEAT_MS: '200',
    TRUSTED_PROXIES: 'loopback',
  });
  // Tasks of three owners, old to new, projected into the read model.
  for (let i = 0; i < 30; i++) {
    const owner = i % 3 === 0 ? accounts.alice.id : i % 3 === 1 ? accounts.bob.id : 'someone-else';
    await createTaskEvent(nats, {
      id: `t${String(i).padStart(2, '0')}`,
      userId: owner,
      type: i % 2 ? 'instance.backup' : 'instance.deploy',
      at: new Date(Date.UTC(2026, 10, 1, 0, i)),
    });
  }
  await until(async () => ((await (await get('/api/tasks?range=[0,99]', await adminCookie())).json()) as unknown[]).length === 30);
  for (const who of ['alice', 'bob'] as const) cookies[who] = (await signIn(gateway.url, accounts[who].email, accounts.password)).cookie;
});
afterAll(async () => {
  await gateway?.close();
  await dropContextSchemas(pg, nats.prefix);
  await nats.dispose();
  await pg.dispose();
});

async function adminCookie() {
  cookies.admin ||= (await signIn(gateway.url, accounts.admin.email, accounts.password)).cookie;
  return cookies.admin;
}
/** What the console sends with every request: a cookie-authenticated change needs it (CSRF). */
const fromConsole = { 'x-requested-with': 'XMLHttpRequest' };
const get = (path: string, cookie = '', headers: Record<string, string> = {}) =>
  fetch(`${gateway.url}${path}`, { headers: { cookie, ...headers } });
async function until(check: () => Promise<boolean>, ms = 15_000) {
  const deadline = Date.now() + ms;
  while (!(await check().catch(() => false))) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await sleep(50);
  }
}

describe('sign-in', () => {
  it('a right password sets an HttpOnly SameSite session cookie and answers the user', async () => {
    const { res, cookie } = await signIn(gateway.url, 'Admin@Example.test', accounts.password);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ user: { id: accounts.admin.id, email: 'admin@example.test', name: 'Admin', role: 'admin' } });
    expect(res.headers.get('set-cookie')).toMatch(/ol_session=.+; .*HttpOnly.*Secure.*SameSite=Lax/i);
    expect((await (await get('/api/auth/me', cookie)).json()) as object).toMatchObject({ user: { role: 'admin' } });
  });

  it('a wrong password and an unknown email get the same generic 401', async () => {
    const wrong = await signIn(gateway.url, accounts.bob.email, 'not-the-password');
    const unknown = await signIn(gateway.url, 'nobody@example.test', 'not-the-password');
    expect([wrong.res.status, unknown.res.status]).toEqual([401, 401]);
    expect(await wrong.res.json()).toEqual(await unknown.res.json());
    expect(wrong.cookie).toBe('');
  });

  it('a missing field is a 400 naming it', async () => {
    const res = await fetch(`${gateway.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'a@b.c' }),
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { violations: unknown[] }).violations).toEqual([expect.objectContaining({ field: 'password' })]);
  });

  it('repeated failures on one account from one address are refused there with 429, even with the right password; elsewhere the account still signs in', async () => {
    const email = 'alice@example.test';
    const attacker = { 'x-forwarded-for': '198.51.100.66' };
    for (let i = 0; i < 3; i++) expect((await signIn(gateway.url, email, 'wrong-password!', attacker)).res.status).toBe(401);
    const limited = await signIn(gateway.url, email, accounts.password, attacker);
    expect(limited.res.status).toBe(429);
    expect(((await limited.res.json()) as { message: string }).message).toMatch(/try again in \d+ s/);
    // One attacker address cannot lock the user out from everywhere.
    expect((await signIn(gateway.url, email, accounts.password, { 'x-forwarded-for': '203.0.113.5' })).res.status).toBe(200);
    expect((await signIn(gateway.url, accounts.bob.email, accounts.password, attacker)).res.status).toBe(200);
  });

  it('failures on one account spread over many addresses are refused past the account-wide limit, from any address', async () => {
    const strict = await startTestGateway(pg, nats, {
      LOGIN_MAX_FAILURES_PER_ACCOUNT_AND_IP: '2',
      LOGIN_MAX_FAILURES_PER_ACCOUNT: '4',
      TRUSTED_PROXIES: 'loopback',
    });
    try {
      const email = 'spread@example.test';
      for (const ip of ['192.0.2.10', '192.0.2.11']) {
        for (let i = 0; i < 2; i++)
          expect((await signIn(strict.url, email, 'wrong-password!', { 'x-forwarded-for': ip })).res.status).toBe(401);
      }
      expect((await signIn(strict.url, email, 'wrong-password!', { 'x-forwarded-for': '192.0.2.12' })).res.status).toBe(429);
    } finally {
      await strict.close();
    }
  });

  it('refused attempts are not failures: hammering a locked account does not keep it locked past the window', async () => {
    const strict = await startTestGateway(pg, nats, { LOGIN_MAX_FAILURES_PER_ACCOUNT_AND_IP: '2', LOGIN_FAILURE_WINDOW_SECONDS: '3' });
    try {
      const email = accounts.bob.email;
      const firstAt = Date.now();
      for (let i = 0; i < 2; i++) expect((await signIn(strict.url, email, 'wrong-password!')).res.status).toBe(401);
      const lastAt = Date.now();
      // The attacker keeps trying while the failures are in the window: each try is refused and recorded as nothing.
      while (Date.now() - firstAt < 2_500) {
        expect((await signIn(strict.url, email, 'wrong-password!')).res.status).toBe(429);
        await sleep(150);
      }
      // The window has passed since the last real failure (not since the last refusal): the right password signs in.
      await sleep(3_300 - (Date.now() - lastAt));
      expect((await signIn(strict.url, email, accounts.password)).res.status).toBe(200);
    } finally {
      await strict.close();
    }
  });

  it('repeated failures from one client address are refused with 429, whichever account they try', async () => {
    const strict = await startTestGateway(pg, nats, { LOGIN_MAX_FAILURES_PER_IP: '3', TRUSTED_PROXIES: 'loopback' });
    try {
      const from = (ip: string) => ({ 'x-forwarded-for': ip });
      for (const email of ['a@example.test', 'b@example.test', 'c@example.test']) {
        expect((await signIn(strict.url, email, 'wrong-password!', from('192.0.2.77'))).res.status).toBe(401);
      }
      expect((await signIn(strict.url, accounts.bob.email, accounts.password, from('192.0.2.77'))).res.status).toBe(429);
      expect((await signIn(strict.url, accounts.bob.email, accounts.password, from('192.0.2.78'))).res.status).toBe(200);
    } finally {
      await strict.close();
    }
  });

  it('parallel guesses cannot outrun the limit: they count against each other', async () => {
    const strict = await startTestGateway(pg, nats, { LOGIN_MAX_FAILURES_PER_ACCOUNT_AND_IP: '3' });
    try {
      const statuses = await Promise.all(
        Array.from({ length: 12 }, () => signIn(strict.url, 'victim@example.test', 'guess-guess-guess').then((r) => r.res.status)),
      );
      expect(statuses.filter((s) => s === 401).length).toBeLessThanOrEqual(3);
      expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(9);
    } finally {
      await strict.close();
    }
  });

  it('logout ends the session', async () => {
    const { cookie } = await signIn(gateway.url, accounts.bob.email, accounts.password);
    expect((await fetch(`${gateway.url}/api/auth/logout`, { method: 'POST', headers: { cookie, ...fromConsole } })).status).toBe(204);
    expect((await get('/api/auth/me', cookie)).status).toBe(401);
  });
});

describe('roles', () => {
  const publicRoutes: [string, string][] = [
    ['POST', '/api/auth/login'],
    ['POST', '/api/auth/logout'],
  ];
  const adminRoutes: [string, string][] = [
    ['GET', '/api/api-tokens'],
    ['POST', '/api/api-tokens'],
    ['DELETE', '/api/api-tokens/x'],
    ['GET', '/api/users'],
    ['POST', '/api/users'],
    ['GET', '/api/users/x'],
    ['PATCH', '/api/users/x'],
    ['DELETE', '/api/users/x'],
    ['POST', '/api/tasks'],
    ['POST', '/api/tasks/t00/cancel'],
    ['POST', '/api/tasks/t00/retry'],
    ['GET', '/api/workers'],
    ['GET', '/api/provisioning-log'],
    ['GET', '/api/provisioning-log/x'],
    ['GET', '/api/services'],
    ['GET', '/api/services/x'],
    ['POST', '/api/services'],
    ['POST', '/api/services/x/actions'],
    ['GET', '/api/panel-servers'],
    ['GET', '/api/panel-servers/x'],
    ['POST', '/api/panel-servers'],
    ['GET', '/api/schedules'],
    ['GET', '/api/schedules/x'],
    ['GET', '/api/schedules/x/runs/y'],
    ['POST', '/api/schedules/x/run'],
    ['POST', '/api/schedules/x/pause'],
    ['POST', '/api/schedules/x/resume'],
    ['PATCH', '/api/schedules/x'],
    ['GET', '/api/scheduler/status'],
    ['GET', '/api/email-templates'],
    ['POST', '/api/email-templates'],
    ['GET', '/api/email-templates/user.welcome'],
    ['PUT', '/api/email-templates/user.welcome'],
    ['GET', '/api/email-templates/user.welcome/versions'],
    ['POST', '/api/email-templates/user.welcome/reset'],
    ['POST', '/api/email-templates/user.welcome/preview'],
    ['POST', '/api/email-templates/user.welcome/send-test'],
    ['GET', '/api/email-log'],
    ['GET', '/api/email-log/x'],
    ['GET', '/api/settings/email'],
    ['PUT', '/api/settings/email'],
    ['POST', '/api/settings/email/test'],
    ['GET', '/api/audit-log'],
    ['GET', '/api/audit-log/x'],
    ['GET', '/api/audit/verify'],
    ['GET', '/api/audit/verification'],
    ['GET', '/api/settings/retention'],
    ['PUT', '/api/settings/retention'],
    ['GET', '/api/ip-log'],
    ['GET', '/api/ip-log/x'],
    ['GET', '/api/ip-log-summary'],
    ['GET', '/api/login-blocks'],
    ['POST', '/api/login-blocks/x/lift'],
    ['GET', '/api/settings/security'],
    ['PUT', '/api/settings/security'],
  ];
  const signedInRoutes: [string, string][] = [
    ...adminRoutes,
    ['GET', '/api/tasks'],
    ['GET', '/api/tasks/t00'],
    ['GET', '/api/auth/me'],
    ['GET', '/api/live'],
  ];

  it('these tables name every /api route the gateway serves: a new route cannot skip its role tests', () => {
    type Layer = { route?: { path: string; methods: Record<string, boolean> }; match(path: string): boolean };
    const stack = (gateway.app.getHttpAdapter().getInstance() as { router: { stack: Layer[] } }).router.stack;
    const known = [...publicRoutes, ...signedInRoutes];
    const unlisted = stack
      .filter((layer) => layer.route?.path.startsWith('/api') && Object.keys(layer.route.methods).length === 1)
      .map((layer) => ({ layer, method: Object.keys(layer.route!.methods)[0]!.toUpperCase() }))
      .filter(({ layer, method }) => !known.some(([m, path]) => m === method && layer.match(path)))
      .map(({ layer, method }) => `${method} ${layer.route!.path}`);
    expect(unlisted).toEqual([]);
  });

  it.each(signedInRoutes)('anonymous %s %s → 401', async (method, path) => {
    expect((await fetch(`${gateway.url}${path}`, { method })).status).toBe(401);
  });

  it.each([
    ['GET', '/API/api-tokens'],
    ['DELETE', '/API/api-tokens/x'],
    ['GET', '/Api/tasks'],
  ])('a route spelled in another case is no way in: anonymous %s %s is refused', async (method, path) => {
    expect([401, 404]).toContain((await fetch(`${gateway.url}${path}`, { method })).status);
  });

  it.each(adminRoutes)('customer %s %s → 403', async (method, path) => {
    const res = await fetch(`${gateway.url}${path}`, {
      method,
      headers: { cookie: cookies.bob, 'content-type': 'application/json', ...fromConsole },
      body: method === 'GET' ? undefined : '{}',
    });
    expect(res.status).toBe(403);
  });

  it('a customer lists only their own tasks, and gets 404 for another customer’s', async () => {
    const rows = (await (await get('/api/tasks?range=[0,99]', cookies.bob)).json()) as { id: string; userId: string }[];
    expect(rows).toHaveLength(10);
    expect(rows.every((r) => r.userId === accounts.bob.id)).toBe(true);
    expect((await get('/api/tasks/t01', cookies.bob)).status).toBe(200);
    const foreign = await get('/api/tasks/t00', cookies.bob);
    expect(foreign.status).toBe(404);
    expect(await foreign.json()).toMatchObject({ message: 'task t00 not found' });
    // Filtering by another user does not widen the scope.
    expect(
      await (await get(`/api/tasks?filter=${encodeURIComponent(JSON.stringify({ userId: accounts.alice.id }))}`, cookies.bob)).json(),
    ).toEqual([]);
  });

  it('every answer says the gateway’s own time (Server-Timing); a signed-in one, the check’s share; a list page, the reader’s', async () => {
    const durations = (res: Response) =>
      Object.fromEntries(
        [...(res.headers.get('server-timing') ?? '').matchAll(/(\w+);dur=([\d.]+)/g)].map(([, name, ms]) => [name, Number(ms)]),
      );
    const list = durations(await get('/api/tasks?range=[0,9]', cookies.bob));
    expect(Object.keys(list)).toEqual(['auth', 'list', 'total']);
    expect(list.list).toBeGreaterThan(0);
    expect(list.total).toBeGreaterThanOrEqual(list.auth! + list.list!);
    expect(Object.keys(durations(await get('/api/tasks?range=[0,9]', '')))).toEqual(['total']);
  });
});

describe('API tokens', () => {
  it('an admin creates a token shown once; it authenticates as Bearer until revoked', async () => {
    const created = await fetch(`${gateway.url}/api/api-tokens`, {
      method: 'POST',
      headers: { cookie: await adminCookie(), 'content-type': 'application/json', ...fromConsole },
      body: JSON.stringify({ name: 'ci', userId: accounts.bob.id, expiresInDays: 30 }),
    });
    expect(created.status).toBe(201);
    const { id, token } = (await created.json()) as { id: string; token: string };
    expect(token).toMatch(/^olt_/);
    const listed = (await (await get('/api/api-tokens', await adminCookie())).json()) as Record<string, unknown>[];
    expect(JSON.stringify(listed)).not.toContain(token);

    const asBob = await get('/api/tasks', '', { authorization: `Bearer ${token}` });
    expect(asBob.status).toBe(200);
    expect(((await asBob.json()) as { userId: string }[]).every((t) => t.userId === accounts.bob.id)).toBe(true);

    expect(
      (await fetch(`${gateway.url}/api/api-tokens/${id}`, { method: 'DELETE', headers: { cookie: await adminCookie(), ...fromConsole } }))
        .status,
    ).toBe(204);
    expect((await get('/api/tasks', '', { authorization: `Bearer ${token}` })).status).toBe(401);
    expect((await get('/api/tasks', '', { authorization: 'Bearer olt_forged' })).status).toBe(401);
  });
});

describe('/readyz', () => {
  it('answers anyone its status only; staff get the details (NATS server, errors, projections)', async () => {
    const anonymous = await fetch(`${gateway.url}/readyz`);
    expect(anonymous.status).toBe(200);
    expect(await anonymous.json()).toEqual({ status: 'ok' });
    const customer = await get('/readyz', cookies.bob);
    expect(await customer.json()).toEqual({ status: 'ok' });
    const staff = (await (await get('/readyz', await adminCookie())).json()) as { status: string; details: Record<string, object> };
    expect(staff.status).toBe('ok');
    expect(Object.keys(staff.details).sort()).toEqual(['nats', 'postgres', 'projections']);
    expect(staff.details.nats).toMatchObject({ server: expect.any(String) });
  });
});

describe('cross-site requests (CSRF)', () => {
  const tokenBody = JSON.stringify({ name: 'csrf-check', expiresInDays: 1 });
  const createToken = (headers: Record<string, string>, body = tokenBody, type = 'application/json') =>
    fetch(`${gateway.url}/api/api-tokens`, { method: 'POST', headers: { 'content-type': type, ...headers }, body });
  const tokenCount = async () =>
    Number(
      (await sql<{ n: string }>`select count(*) as n from ${sql.id(contextSchema('identity', nats.prefix), 'api_token')}`.execute(pg.db))
        .rows[0]!.n,
    );

  it('a cookie-authenticated change from another site (Sec-Fetch-Site cross-site or same-site) is a 403, and nothing changes', async () => {
    const cookie = await adminCookie();
    const before = await tokenCount();
    for (const site of ['cross-site', 'same-site']) {
      const res = await createToken({ cookie, 'sec-fetch-site': site });
      expect(res.status, site).toBe(403);
      expect(((await res.json()) as { message: string }).message).toMatch(/X-Requested-With/);
    }
    // A page on a sibling subdomain posting a bodiless form at an action, or signing the user out.
    const cancel = await fetch(`${gateway.url}/api/tasks/t00/cancel`, {
      method: 'POST',
      headers: { cookie, 'sec-fetch-site': 'same-site' },
    });
    expect(cancel.status).toBe(403);
    const { cookie: bobCookie } = await signIn(gateway.url, accounts.bob.email, accounts.password);
    expect(
      (await fetch(`${gateway.url}/api/auth/logout`, { method: 'POST', headers: { cookie: bobCookie, 'sec-fetch-site': 'cross-site' } }))
        .status,
    ).toBe(403);
    expect((await get('/api/auth/me', bobCookie)).status).toBe(200);
    // Without Sec-Fetch-Site (an older browser) a cookie alone is not enough either.
    expect((await createToken({ cookie })).status).toBe(403);
    expect(await tokenCount()).toBe(before);
  });

  it('a form-encoded body is refused with 415 even from the same origin (no url-encoded parser)', async () => {
    const before = await tokenCount();
    const res = await createToken(
      { cookie: await adminCookie(), 'sec-fetch-site': 'same-origin' },
      'name=form',
      'application/x-www-form-urlencoded',
    );
    expect(res.status).toBe(415);
    const services = await fetch(`${gateway.url}/api/services/x/actions`, {
      method: 'POST',
      headers: { cookie: await adminCookie(), 'content-type': 'application/x-www-form-urlencoded' },
      body: 'action=terminate',
    });
    expect(services.status).toBe(415);
    expect(await tokenCount()).toBe(before);
  });

  it('the console’s requests pass: Sec-Fetch-Site same-origin or none, or X-Requested-With', async () => {
    const cookie = await adminCookie();
    expect((await createToken({ cookie, 'sec-fetch-site': 'same-origin' })).status).toBe(201);
    expect((await createToken({ cookie, 'sec-fetch-site': 'none' })).status).toBe(201);
    expect((await createToken({ cookie, 'x-requested-with': 'XMLHttpRequest' })).status).toBe(201);
    // Reads are not changes: a cross-site GET is answered (SameSite=Lax and CORS keep its body from the other site).
    expect((await get('/api/auth/me', cookie, { 'sec-fetch-site': 'cross-site' })).status).toBe(200);
  });

  it('an API token caller (Authorization header, nothing ambient) needs neither header', async () => {
    const created = await createToken({ cookie: await adminCookie(), 'x-requested-with': 'XMLHttpRequest' });
    const { token } = (await created.json()) as { token: string };
    const res = await createToken({ authorization: `Bearer ${token}` });
    expect(res.status).toBe(201);
    expect((await createToken({ authorization: `Bearer ${token}`, 'sec-fetch-site': 'cross-site' })).status).toBe(201);
  });
});

describe('API tokens: expiry, ownership, record', () => {
  const mint = async (body: object, cookie?: string) => {
    const res = await fetch(`${gateway.url}/api/api-tokens`, {
      method: 'POST',
      headers: { cookie: cookie ?? (await adminCookie()), 'content-type': 'application/json', ...fromConsole },
      body: JSON.stringify(body),
    });
    return { status: res.status, json: (await res.json()) as Record<string, any> };
  };

  it('a token needs an expiry of at most 365 days, and stops working when it passes', async () => {
    expect((await mint({ name: 'forever' })).json.violations).toEqual([expect.objectContaining({ field: 'expiresInDays' })]);
    expect((await mint({ name: 'too long', expiresInDays: 366 })).status).toBe(400);
    expect((await mint({ name: 'fractional', expiresInDays: 1.5 })).status).toBe(400);
    const made = await mint({ name: 'short', expiresInDays: 7 });
    expect(made.status).toBe(201);
    const expiresAt = new Date(made.json.expiresAt as string).getTime();
    expect(Math.abs(expiresAt - (Date.now() + 7 * 86_400_000))).toBeLessThan(60_000);
    const asToken = { authorization: `Bearer ${made.json.token}` };
    expect((await get('/api/auth/me', '', asToken)).status).toBe(200);
    await sql`update ${sql.id(contextSchema('identity', nats.prefix), 'api_token')} set expires_at = now() - interval '1 second'
      where id = ${made.json.id}`.execute(pg.db);
    expect((await get('/api/auth/me', '', asToken)).status).toBe(401);
  });

  it('an admin cannot mint a token for another staff account (a customer’s, or their own, yes)', async () => {
    const { cookie: otherAdmin } = await signIn(gateway.url, accounts.admin.email, accounts.password);
    const second = await sql<{ id: string }>`insert into ${sql.id(contextSchema('identity', nats.prefix), 'user_account')}
      (id, email, name, role, password_hash) values ('second-admin', 'second@example.test', 'Second', 'admin', 'x') returning id`.execute(
      pg.db,
    );
    const refused = await mint({ name: 'theirs', userId: second.rows[0]!.id, expiresInDays: 1 }, otherAdmin);
    expect(refused.status).toBe(403);
    expect(refused.json.message).toMatch(/another staff account/);
    expect((await mint({ name: 'mine', userId: accounts.admin.id, expiresInDays: 1 })).status).toBe(201);
    expect((await mint({ name: 'alice’s', userId: accounts.alice.id, expiresInDays: 1 })).status).toBe(201);
  });

  it('creation and revocation are IDENTITY events naming the token, its owner and who acted, never the token or its hash', async () => {
    const made = await mint({ name: 'recorded', userId: accounts.bob.id, expiresInDays: 30 });
    const revoked = await fetch(`${gateway.url}/api/api-tokens/${made.json.id}`, {
      method: 'DELETE',
      headers: { cookie: await adminCookie(), ...fromConsole },
    });
    expect(revoked.status).toBe(204);
    const events = (await streamEvents(nats, 'identity')).filter((e) => (e.data as { tokenId?: string }).tokenId === made.json.id);
    expect(events.map((e) => e.type)).toEqual(['platform.identity.v1.ApiTokenCreated', 'platform.identity.v1.ApiTokenRevoked']);
    expect(events[0]!.data).toMatchObject({
      tokenId: made.json.id,
      accountId: accounts.bob.id,
      name: 'recorded',
      createdBy: accounts.admin.id,
    });
    expect(events[1]!.data).toMatchObject({ tokenId: made.json.id, accountId: accounts.bob.id, revokedBy: accounts.admin.id });
    const token = made.json.token as string;
    const hash = createHash('sha256').update(token).digest('hex');
    for (const e of events) {
      expect(e.raw).not.toContain(token.slice(4));
      expect(e.raw).not.toContain(hash);
      expect(e.actor).toContain(accounts.admin.id);
    }
  });
});

describe('lists', () => {
  it('answers the ra-data-simple-rest contract: array body and Content-Range', async () => {
    const res = await get('/api/tasks?sort=["createdAt","DESC"]&range=[0,9]', await adminCookie());
    expect(res.headers.get('content-range')).toBe('tasks 0-9/30');
    const rows = (await res.json()) as { id: string }[];
    expect(rows.map((r) => r.id)).toEqual(['t29', 't28', 't27', 't26', 't25', 't24', 't23', 't22', 't21', 't20']);
  });

  it('walks pages forward without gaps or repeats (keyset underneath), and jumps straight to a deep page', async () => {
    const seen: string[] = [];
    for (let start = 0; start < 30; start += 7) {
      const rows = (await (await get(`/api/tasks?sort=["createdAt","ASC"]&range=[${start},${start + 6}]`, await adminCookie())).json()) as {
        id: string;
      }[];
      seen.push(...rows.map((r) => r.id));
    }
    expect(seen).toEqual(Array.from({ length: 30 }, (_, i) => `t${String(i).padStart(2, '0')}`));
    const deep = (await (await get('/api/tasks?sort=["createdAt","ASC"]&range=[25,26]', await adminCookie())).json()) as { id: string }[];
    expect(deep.map((r) => r.id)).toEqual(['t25', 't26']);
  });

  it('filters by whitelisted fields and a time window', async () => {
    const filter = encodeURIComponent(
      JSON.stringify({ type: 'instance.backup', createdAt_gte: '2026-11-01T00:10:00Z', createdAt_lte: '2026-11-01T00:19:00Z' }),
    );
    const res = await get(`/api/tasks?filter=${filter}&sort=["createdAt","ASC"]`, await adminCookie());
    expect(((await res.json()) as { id: string }[]).map((r) => r.id)).toEqual(['t11', 't13', 't15', 't17', 't19']);
    expect(res.headers.get('content-range')).toBe('tasks 0-4/5');
  });

  it.each([
    ['an unknown filter field', `filter=${encodeURIComponent('{"owner":"x"}')}`, 'filter.owner'],
    ['a malformed filter value', `filter=${encodeURIComponent('{"status":"exploded"}')}`, 'filter.status'],
    ['a bad time', `filter=${encodeURIComponent('{"createdAt_gte":"yesterday"}')}`, 'filter.createdAt_gte'],
    ['filter that is not JSON', 'filter=%7Bnope', 'filter'],
    ['an unsortable field', 'sort=["password","ASC"]', 'sort'],
    ['a range too large', 'range=[0,100000]', 'range'],
    ['an inherited name as a filter', `filter=${encodeURIComponent('{"constructor":1}')}`, 'filter.constructor'],
    ['an inherited name as a sort', 'sort=["toString","ASC"]', 'sort'],
  ])('%s is a 400 naming it', async (_name, query, field) => {
    const res = await get(`/api/tasks?${query}`, await adminCookie());
    expect(res.status).toBe(400);
    expect(((await res.json()) as { violations: { field: string }[] }).violations.map((v) => v.field)).toContain(field);
  });

  it('a remembered page start is dropped when rows were added since: the next page reads as by offset', async () => {
    const page = async (start: number) =>
      (
        (await (
          await get(
            `/api/tasks?filter=${encodeURIComponent('{"userId":"someone-else"}')}&range=[${start},${start + 2}]`,
            await adminCookie(),
          )
        ).json()) as { id: string }[]
      ).map((r) => r.id);
    expect(await page(0)).toEqual(['t29', 't26', 't23']);
    await createTaskEvent(nats, { id: 'newer-1', userId: 'someone-else', at: new Date(Date.UTC(2026, 10, 2)) });
    await until(async () => (await get('/api/tasks/newer-1', await adminCookie())).status === 200);
    expect(await page(3)).toEqual(['t23', 't20', 't17']);
  });

  it('CSV cells that a spreadsheet would run as formulas are quoted as text', async () => {
    await createTaskEvent(nats, { id: 'formula', userId: 'formula-owner', type: '=HYPERLINK("http://evil")' });
    await until(async () => (await get('/api/tasks/formula', await adminCookie())).status === 200);
    const csv = await (
      await get(`/api/tasks?format=csv&filter=${encodeURIComponent('{"userId":"formula-owner"}')}`, await adminCookie())
    ).text();
    expect(csv).toContain(`"'=HYPERLINK(""http://evil"")"`);
  });

  it('past 10,000 matching rows the total is the planner’s estimate, and says so', async () => {
    // Rows written straight into the read model: what is measured is the count, not the projection.
    const table = sql.table(`${contextSchema('tasks', nats.prefix)}.task`);
    await sql`insert into ${table} (id, type, status, progress, attempt, user_id, hypervisor_id, instance_id, created_at, updated_at, version)
      select 'bulk-' || g, 'instance.backup', 'completed', 100, 1, 'bulk-owner', 'hv', 'vm', now(), now(), 0 from generate_series(1, 12000) g`.execute(
      pg.db,
    );
    await sql`analyze ${table}`.execute(pg.db);
    const filter = encodeURIComponent('{"userId":"bulk-owner"}');
    const res = await get(`/api/tasks?filter=${filter}&range=[0,9]`, await adminCookie());
    expect(res.headers.get('x-total-estimated')).toBe('true');
    const total = Number(res.headers.get('content-range')!.split('/')[1]);
    expect(total).toBeGreaterThan(10_000);
    // A small filtered list stays exact and unmarked.
    const exact = await get(`/api/tasks?filter=${encodeURIComponent(JSON.stringify({ userId: accounts.alice.id }))}`, await adminCookie());
    expect(exact.headers.get('x-total-estimated')).toBeNull();
  });

  it('exports the filtered list as CSV with the same filters', async () => {
    const filter = encodeURIComponent(JSON.stringify({ userId: accounts.alice.id }));
    const res = await get(`/api/tasks?filter=${filter}&sort=["createdAt","ASC"]`, await adminCookie(), { accept: 'text/csv' });
    expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
    const lines = (await res.text()).trim().split('\n');
    expect(lines[0]).toBe('id,type,status,progress,attempt,user_id,hypervisor_id,instance_id,error,created_at,updated_at');
    expect(lines.slice(1).map((l) => l.split(',')[0])).toEqual(['t00', 't03', 't06', 't09', 't12', 't15', 't18', 't21', 't24', 't27']);
    expect(lines[1]).toContain(`,${accounts.alice.id},hv-1,vm-t00,`);
    expect(lines[1]).toContain('2026-11-01T00:00:00.000Z');
  });
});

describe('provisioning log', () => {
  it('lists entries newest first with filters and shows one with both payloads and its diagnosis; customers get 403', async () => {
    await ensureEventStream(nats.jsm, 'provisioning', { prefix: nats.prefix });
    await recordAttemptEvent(nats, {
      id: 'pa-1',
      domain: 'ada.example',
      success: false,
      diagnosisCode: 'bad_token',
      at: new Date(Date.UTC(2026, 10, 20)),
    });
    await recordAttemptEvent(nats, { id: 'pa-2', domain: 'lin.example', success: true, at: new Date(Date.UTC(2026, 10, 21)) });
    await until(async () => (await get('/api/provisioning-log/pa-2', await adminCookie())).status === 200);

    const all = (await (await get('/api/provisioning-log', await adminCookie())).json()) as { id: string }[];
    expect(all.map((e) => e.id)).toEqual(['pa-2', 'pa-1']);
    const failed = (await (
      await get(`/api/provisioning-log?filter=${encodeURIComponent('{"status":"failed","q":"ada"}')}`, await adminCookie())
    ).json()) as { id: string }[];
    expect(failed.map((e) => e.id)).toEqual(['pa-1']);

    const entry = (await (await get('/api/provisioning-log/pa-1', await adminCookie())).json()) as Record<string, any>;
    expect(entry).toMatchObject({
      status: 'failed',
      domain: 'ada.example',
      diagnosis: { code: 'bad_token', fix: expect.stringContaining('API token') },
    });
    expect(entry.request.headers.authorization).toBe('[redacted]');
    expect(entry.response).toEqual({ status: 401, body: { error: 'Access denied: invalid API token' } });

    expect((await get('/api/provisioning-log', cookies.bob)).status).toBe(403);
    expect((await get(`/api/provisioning-log?filter=${encodeURIComponent('{"status":"meh"}')}`, await adminCookie())).status).toBe(400);
  });
});

describe('live updates (SSE)', () => {
  async function openStream(cookie: string, lastEventId?: string) {
    const controller = new AbortController();
    const res = await fetch(`${gateway.url}/api/live`, {
      headers: { cookie, ...(lastEventId ? { 'last-event-id': lastEventId } : {}) },
      signal: controller.signal,
    });
    const reader = res.body!.getReader();
    const notices: { id: string; data: { resource: string; id: string; change: string } }[] = [];
    let buffer = '';
    void (async () => {
      try {
        for (;;) {
          const { value, done } = await reader.read();
          if (done) return;
          buffer += new TextDecoder().decode(value);
          let end;
          while ((end = buffer.indexOf('\n\n')) >= 0) {
            const frame = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            const id = /^id: (.+)$/m.exec(frame)?.[1];
            const data = /^data: (.+)$/m.exec(frame)?.[1];
            if (id && data) notices.push({ id, data: JSON.parse(data) });
          }
        }
      } catch {
        // aborted
      }
    })();
    return { res, notices, close: () => controller.abort() };
  }

  it('delivers change notices only to those who may see the record, and resumes from Last-Event-ID', async () => {
    const admin = await openStream(await adminCookie());
    const bob = await openStream(cookies.bob);
    expect(admin.res.headers.get('content-type')).toMatch(/^text\/event-stream/);

    await createTaskEvent(nats, { id: 'live-alice', userId: accounts.alice.id });
    await createTaskEvent(nats, { id: 'live-bob', userId: accounts.bob.id });
    await until(async () => admin.notices.some((n) => n.data.id === 'live-bob'));
    expect(admin.notices.map((n) => n.data)).toEqual(
      expect.arrayContaining([
        { resource: 'tasks', id: 'live-alice', change: 'created' },
        { resource: 'tasks', id: 'live-bob', change: 'created' },
      ]),
    );
    await until(async () => bob.notices.some((n) => n.data.id === 'live-bob'));
    expect(bob.notices.map((n) => n.data.id)).not.toContain('live-alice');

    // Disconnect, miss a change, reconnect with the last id seen: the missed change arrives.
    const lastSeen = admin.notices.at(-1)!.id;
    admin.close();
    bob.close();
    await createTaskEvent(nats, { id: 'while-away', userId: accounts.bob.id });
    await until(async () => (await get('/api/tasks/while-away', await adminCookie())).status === 200);
    const resumed = await openStream(await adminCookie(), lastSeen);
    await until(async () => resumed.notices.some((n) => n.data.id === 'while-away'));
    expect(resumed.notices.map((n) => n.data.id)).not.toContain('live-bob');
    resumed.close();

    // A stream ends with its session.
    const { cookie } = await signIn(gateway.url, accounts.bob.email, accounts.password);
    const ending = await fetch(`${gateway.url}/api/live`, { headers: { cookie } });
    await fetch(`${gateway.url}/api/auth/logout`, { method: 'POST', headers: { cookie, ...fromConsole } });
    const drained = await Promise.race([ending.text().then(() => 'ended'), sleep(5_000).then(() => 'still open')]);
    expect(drained).toBe('ended');

    // An id from before a restart (unknown epoch) is told to reset.
    const stale = await openStream(await adminCookie(), 'deadbeef-1');
    await until(async () => stale.notices.length > 0);
    expect(stale.notices[0]!.data).toEqual({ resource: '*', id: '*', change: 'reset' });
    stale.close();
  });

  it("HEAD answers the stream's headers and ends: no stream opens behind it", async () => {
    const res = await fetch(`${gateway.url}/api/live`, { method: 'HEAD', headers: { cookie: await adminCookie() } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expect(await res.text()).toBe('');
  });

  it('a stream that ends with its session ends whole: nothing follows its last chunk on the connection kept alive', async () => {
    const { cookie } = await signIn(gateway.url, accounts.bob.email, accounts.password);
    const socket = connect(Number(new URL(gateway.url).port), '127.0.0.1');
    let received = '';
    socket.on('data', (chunk: Buffer) => (received += chunk.toString('latin1')));
    socket.write(`GET /api/live HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: ${cookie}\r\n\r\n`);
    await until(async () => received.includes('retry: 2000'));
    expect(received).toMatch(/^HTTP\/1\.1 200 .*\r\nTransfer-Encoding: chunked\r\n/s);
    await fetch(`${gateway.url}/api/auth/logout`, { method: 'POST', headers: { cookie, ...fromConsole } });
    await until(async () => received.includes('\r\n0\r\n\r\n'));
    // A change bob may see, then a few heartbeats' time: none of it may reach the ended stream's connection.
    await createTaskEvent(nats, { id: 'after-the-end', userId: accounts.bob.id });
    await until(async () => (await get('/api/tasks/after-the-end', await adminCookie())).status === 200);
    await sleep(1_000);
    socket.destroy();
    expect(received.slice(received.indexOf('\r\n0\r\n\r\n'))).toBe('\r\n0\r\n\r\n');
  });
});

describe('live streams per account', () => {
  const openLive = async (url: string, cookie: string) => {
    const controller = new AbortController();
    const res = await fetch(`${url}/api/live`, { headers: { cookie }, signal: controller.signal });
    if (res.status === 200) void res.body!.pipeTo(new WritableStream()).catch(() => undefined);
    return { status: res.status, res, close: () => controller.abort() };
  };

  it('an account may hold a bounded number of live streams; one more is a 429 until one closes', async () => {
    const strict = await startTestGateway(pg, nats, { LIVE_MAX_STREAMS_PER_USER: '2' });
    try {
      const { cookie } = await signIn(strict.url, accounts.alice.email, accounts.password);
      const [a, b] = [await openLive(strict.url, cookie), await openLive(strict.url, cookie)];
      expect([a.status, b.status]).toEqual([200, 200]);
      const third = await openLive(strict.url, cookie);
      expect(third.status).toBe(429);
      expect(((await third.res.json()) as { message: string }).message).toMatch(/live streams/);
      // Another account is not affected.
      expect((await openLive(strict.url, (await signIn(strict.url, accounts.bob.email, accounts.password)).cookie)).status).toBe(200);
      a.close();
      await until(async () => {
        const again = await openLive(strict.url, cookie);
        again.close();
        return again.status === 200;
      });
      b.close();
    } finally {
      await strict.close();
    }
  });

  it('a heartbeat re-checks the caller, but one account’s streams share the check for a heartbeat’s time', async () => {
    const auth = gateway.app.get(AuthService);
    const original = auth.authenticate.bind(auth);
    let checks = 0;
    const cookie = (await signIn(gateway.url, accounts.alice.email, accounts.password)).cookie;
    const streams = await Promise.all([1, 2, 3, 4].map(() => openLive(gateway.url, cookie)));
    auth.authenticate = (req) => {
      if (String(req.headers.cookie) === cookie) checks++;
      return original(req);
    };
    try {
      await sleep(1_000); // five heartbeats of 200 ms, on each of four streams
    } finally {
      auth.authenticate = original;
      for (const s of streams) s.close();
    }
    expect(checks).toBeGreaterThan(0);
    expect(checks).toBeLessThanOrEqual(8);
  });
});

describe('every sign-in attempt is a LOGINS event', () => {
  it('with the client IP from X-Forwarded-For only when the peer is a trusted proxy (IPv4-mapped normalised)', async () => {
    const before = (await loginEvents(nats)).length;
    await signIn(gateway.url, accounts.admin.email, accounts.password, {
      'x-forwarded-for': '::ffff:198.51.100.4',
      'user-agent': 'trusted-test',
    });
    const untrusted = await startTestGateway(pg, nats, { TRUSTED_PROXIES: '10.0.0.0/8' });
    try {
      await signIn(untrusted.url, accounts.admin.email, 'wrong-password!', {
        'x-forwarded-for': '203.0.113.9',
        'user-agent': 'untrusted-test',
      });
    } finally {
      await untrusted.close();
    }
    await fetch(`${gateway.url}/api/tasks`, { headers: { authorization: 'Bearer olt_nope', 'user-agent': 'api-test' } });

    const events = (await loginEvents(nats)).slice(before);
    expect(events.map((e) => [e.userAgent, e.ip, e.channel, e.result, e.reason])).toEqual([
      ['trusted-test', '198.51.100.4', loginsV1.LoginChannel.PANEL, loginsV1.LoginResult.SUCCEEDED, ''],
      ['untrusted-test', '127.0.0.1', loginsV1.LoginChannel.PANEL, loginsV1.LoginResult.FAILED, 'bad_credentials'],
      ['api-test', '127.0.0.1', loginsV1.LoginChannel.API, loginsV1.LoginResult.FAILED, 'invalid_token'],
    ]);
    expect(events[0]).toMatchObject({ userId: accounts.admin.id, email: 'admin@example.test' });
  });

  it('failed, unknown and rate-limited attempts are all recorded', async () => {
    const all = await loginEvents(nats);
    const reasons = new Set(all.map((e) => e.reason));
    expect([...reasons]).toEqual(expect.arrayContaining(['bad_credentials', 'unknown_account', 'rate_limited', '']));
  });
});
