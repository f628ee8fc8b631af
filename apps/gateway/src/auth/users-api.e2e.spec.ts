// Team management over the gateway's API on real NATS and Postgres: every staff-account change is one identity event
// with the actor, source and correlation id of its request, the table follows the events, and the rules hold (the
// last active admin, a taken email, the password policy, a disabled or deleted account shut out at its next request).
import { create } from '@bufbuild/protobuf';
import { eventRegistry, identityV1, streamName } from '@opsledger/contracts';
import { EventStore, type StoredEvent } from '@opsledger/eventstore';
import { createTestDatabase, createTestNats, type TestDatabase, type TestNats } from '@opsledger/testing';
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dropContextSchemas, identityDb, seedAccounts, signIn, startTestGateway } from '../test-support/test-gateway';
import { AccountCommands } from './account-commands';
import type { IdentityTables } from './identity-tables';

let pg: TestDatabase;
let nats: TestNats;
let store: EventStore;
let db: Kysely<IdentityTables>;
let gateway: Awaited<ReturnType<typeof startTestGateway>>;
let accounts: Awaited<ReturnType<typeof seedAccounts>>;
let admin = '';
let customer = '';
const PASSWORD = 'a-long-enough-password';

beforeAll(async () => {
  pg = await createTestDatabase();
  nats = await createTestNats();
  store = new EventStore(nats.js, nats.jsm, eventRegistry, nats.prefix);
  gateway = await startTestGateway(pg, nats);
  db = await identityDb(pg, nats.prefix);
  accounts = await seedAccounts(db);
  admin = (await signIn(gateway.url, accounts.admin.email, accounts.password)).cookie;
  customer = (await signIn(gateway.url, accounts.alice.email, accounts.password)).cookie;
});
afterAll(async () => {
  await gateway?.close();
  await dropContextSchemas(pg, nats.prefix);
  await nats?.dispose();
  await pg?.dispose();
});

async function call(
  method: string,
  path: string,
  body?: unknown,
  auth: { cookie?: string; token?: string } = { cookie: admin },
  extra: Record<string, string> = {},
) {
  const headers: Record<string, string> = { 'x-requested-with': 'XMLHttpRequest', ...extra };
  if (auth.cookie) headers.cookie = auth.cookie;
  if (auth.token) headers.authorization = `Bearer ${auth.token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`${gateway.url}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  let json: any = text;
  try {
    json = JSON.parse(text);
  } catch {
    /* CSV or empty */
  }
  return { status: res.status, body: json, correlationId: res.headers.get('x-correlation-id'), type: res.headers.get('content-type') };
}
const eventsOf = (id: string) => store.read({ context: 'identity', type: 'account', id });
const typesOf = (events: StoredEvent[]) => events.map((e) => e.type.replace('platform.identity.v1.', ''));
const newUser = async (email: string, role = 'admin') => {
  const res = await call('POST', '/api/users', { email, name: email.split('@')[0], role, password: PASSWORD });
  expect(res.status).toBe(201);
  return res.body as { id: string; email: string };
};

describe('creating a staff account', () => {
  it('records AccountCreated with the admin as actor, console as source and the request’s correlation id', async () => {
    const res = await call('POST', '/api/users', { email: 'Grace@Example.test', name: 'Grace', role: 'admin', password: PASSWORD });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ email: 'grace@example.test', name: 'Grace', role: 'admin', disabled: false });
    expect(res.body).not.toHaveProperty('password');
    const events = await eventsOf(res.body.id);
    expect(typesOf(events)).toEqual(['AccountCreated']);
    expect(events[0]).toMatchObject({
      actor: { kind: 'staff', id: accounts.admin.id },
      source: 'console',
      correlationId: res.correlationId,
      clientIp: expect.stringMatching(/127\.0\.0\.1/),
      data: expect.objectContaining({ accountId: res.body.id, email: 'grace@example.test', role: identityV1.AccountRole.ADMIN }),
    });
    expect((await signIn(gateway.url, 'grace@example.test', PASSWORD)).res.status).toBe(200);
  });

  it('generates a password when none is given, answers it once, and it signs in', async () => {
    const res = await call('POST', '/api/users', { email: 'gen@example.test', name: 'Gen', role: 'customer' });
    expect(res.status).toBe(201);
    expect(res.body.password).toMatch(/^[\w-]{24}$/);
    expect((await signIn(gateway.url, 'gen@example.test', res.body.password)).res.status).toBe(200);
    expect((await call('GET', `/api/users/${res.body.id}`)).body).not.toHaveProperty('password');
  });

  it('refuses a taken email (409) and a password against the policy (400), naming the field, and records nothing', async () => {
    const taken = await call('POST', '/api/users', { email: 'ADMIN@example.test', name: 'Again', role: 'admin', password: PASSWORD });
    expect(taken.status).toBe(409);
    expect(taken.body.message).toMatch(/^email: .*already exists/);
    const weak = await call('POST', '/api/users', { email: 'weak@example.test', name: 'Weak', role: 'admin', password: 'short' });
    expect(weak.status).toBe(400);
    expect(weak.body.violations).toEqual([expect.objectContaining({ field: 'password', message: 'must be at least 12 characters' })]);
    const role = await call('POST', '/api/users', { email: 'r@example.test', name: 'R', role: 'root', password: PASSWORD });
    expect(role.status).toBe(400);
    expect(role.body.violations).toEqual([expect.objectContaining({ field: 'role', message: 'must be admin or customer' })]);
    expect(
      await db.selectFrom('user_account').select('id').where('email', 'in', ['weak@example.test', 'r@example.test']).execute(),
    ).toEqual([]);
  });
});

describe('creating with an Idempotency-Key', () => {
  it('a retry answers the account the first request made, with one AccountCreated; the key on another request is a 409', async () => {
    const key = { 'idempotency-key': `team-${Date.now()}` };
    const request = { email: 'once@example.test', name: 'Once', role: 'admin', password: PASSWORD };
    const first = await call('POST', '/api/users', request, { cookie: admin }, key);
    expect(first.status).toBe(201);
    const retry = await call('POST', '/api/users', request, { cookie: admin }, key);
    expect(retry.status).toBe(201);
    expect(retry.body.id).toBe(first.body.id);
    expect(typesOf(await eventsOf(first.body.id))).toEqual(['AccountCreated']);
    expect((await db.selectFrom('user_account').select('id').where('email', '=', request.email).execute()).length).toBe(1);

    const other = await call('POST', '/api/users', { ...request, email: 'twice@example.test' }, { cookie: admin }, key);
    expect(other.status).toBe(409);
    expect(JSON.stringify(other.body)).toContain('Idempotency-Key');
    expect(await db.selectFrom('user_account').select('id').where('email', '=', 'twice@example.test').executeTakeFirst()).toBeUndefined();
    const malformed = await call(
      'POST',
      '/api/users',
      { ...request, email: 'bad-key@example.test' },
      { cookie: admin },
      { 'idempotency-key': 'has space' },
    );
    expect(malformed.status).toBe(400);
    expect(JSON.stringify(malformed.body)).toContain('Idempotency-Key');
  });
});

describe('changing a staff account', () => {
  it('records each change as its event and the table follows; nothing for a change that changes nothing', async () => {
    const user = await newUser('change@example.test');
    const renamed = await call('PATCH', `/api/users/${user.id}`, { name: 'Changed', role: 'customer' });
    expect(renamed.status).toBe(200);
    expect(renamed.body).toMatchObject({ name: 'Changed', role: 'customer' });
    expect((await call('PATCH', `/api/users/${user.id}`, { role: 'customer' })).status).toBe(200);
    expect((await call('PATCH', `/api/users/${user.id}`, { disabled: true })).body).toMatchObject({ disabled: true });
    expect((await call('PATCH', `/api/users/${user.id}`, { disabled: false })).body).toMatchObject({ disabled: false });
    const events = await eventsOf(user.id);
    expect(typesOf(events)).toEqual(['AccountCreated', 'AccountRenamed', 'AccountRoleChanged', 'AccountDisabled', 'AccountEnabled']);
    expect(events[2]!.data).toMatchObject({ from: identityV1.AccountRole.ADMIN, to: identityV1.AccountRole.CUSTOMER });
    expect(events.every((e) => e.actor.id === accounts.admin.id && e.source === 'console' && e.correlationId)).toBe(true);
    expect(await db.selectFrom('user_account').select(['name', 'role', 'disabled']).where('id', '=', user.id).executeTakeFirst()).toEqual({
      name: 'Changed',
      role: 'customer',
      disabled: false,
    });
  });

  it('a password reset is AccountPasswordChanged without the password or its hash, and ends the account’s sessions', async () => {
    const user = await newUser('reset@example.test');
    const session = (await signIn(gateway.url, 'reset@example.test', PASSWORD)).cookie;
    expect((await call('GET', '/api/users', undefined, { cookie: session })).status).toBe(200);
    const fresh = 'another-long-password';
    expect((await call('PATCH', `/api/users/${user.id}`, { password: fresh })).status).toBe(200);
    expect((await call('GET', '/api/users', undefined, { cookie: session })).status).toBe(401);
    expect((await signIn(gateway.url, 'reset@example.test', PASSWORD)).res.status).toBe(401);
    expect((await signIn(gateway.url, 'reset@example.test', fresh)).res.status).toBe(200);
    const events = await eventsOf(user.id);
    expect(typesOf(events)).toEqual(['AccountCreated', 'AccountPasswordChanged']);
    const hash = (await db.selectFrom('user_account').select('password_hash').where('id', '=', user.id).executeTakeFirstOrThrow())
      .password_hash;
    const raw = await nats.jsm.streams.getMessage(streamName('identity', nats.prefix), { seq: events[1]!.streamSeq });
    const bytes =
      Buffer.from(raw!.data).toString('latin1') + JSON.stringify([...(raw!.header?.keys() ?? [])].map((k) => raw!.header!.get(k)));
    for (const secret of [fresh, PASSWORD, hash, hash.split('$').at(-1)!]) expect(bytes).not.toContain(secret);
    const weak = await call('PATCH', `/api/users/${user.id}`, { password: 'x' });
    expect(weak.status).toBe(400);
    expect(weak.body.violations[0]).toMatchObject({ field: 'password' });
    const unknown = await call('PATCH', `/api/users/${user.id}`, { email: 'x@example.test' });
    expect(unknown.status).toBe(400);
  });

  it('a disabled account’s session and API token are refused at their next request, and work again once enabled', async () => {
    const user = await newUser('off@example.test', 'customer');
    const session = (await signIn(gateway.url, 'off@example.test', PASSWORD)).cookie;
    const token = (await call('POST', '/api/api-tokens', { name: 'ci', userId: user.id, expiresInDays: 1 })).body.token as string;
    expect((await call('GET', '/api/auth/me', undefined, { token })).status).toBe(200);
    expect((await call('PATCH', `/api/users/${user.id}`, { disabled: true })).status).toBe(200);
    expect((await call('GET', '/api/auth/me', undefined, { cookie: session })).status).toBe(401);
    expect((await call('GET', '/api/auth/me', undefined, { token })).status).toBe(401);
    expect((await call('PATCH', `/api/users/${user.id}`, { disabled: false })).status).toBe(200);
    expect((await call('GET', '/api/auth/me', undefined, { token })).status).toBe(200);
  });
});

describe('a change made on one gateway replica', () => {
  it('is honoured by the other replica as it commits, though that replica had just checked the session and token', async () => {
    const other = await startTestGateway(pg, nats);
    try {
      const user = await newUser('replica@example.test', 'customer');
      const session = (await signIn(gateway.url, 'replica@example.test', PASSWORD)).cookie;
      const token = (await call('POST', '/api/api-tokens', { name: 'ci', userId: user.id, expiresInDays: 1 })).body.token as string;
      const me = (auth: { cookie?: string; token?: string }) =>
        fetch(`${other.url}/api/auth/me`, {
          headers: auth.cookie ? { cookie: auth.cookie } : { authorization: `Bearer ${auth.token}` },
        }).then((res) => res.status);
      // Checked (and so remembered) on the other replica first.
      expect([await me({ cookie: session }), await me({ token })]).toEqual([200, 200]);
      expect((await call('PATCH', `/api/users/${user.id}`, { disabled: true })).status).toBe(200);
      // The change notice travels through Postgres; well under the cache's 10 s bound, so it is the notice that did it.
      const deadline = Date.now() + 1_000;
      let statuses: number[] = [];
      do statuses = [await me({ cookie: session }), await me({ token })];
      while (statuses.some((s) => s !== 401) && Date.now() < deadline);
      expect(statuses).toEqual([401, 401]);
    } finally {
      await other.close();
    }
  });
});

describe('deleting a staff account', () => {
  it('records AccountDeleted (with whom it was) and its session and API token are refused at once', async () => {
    const user = await newUser('gone@example.test');
    const session = (await signIn(gateway.url, 'gone@example.test', PASSWORD)).cookie;
    const token = (await call('POST', '/api/api-tokens', { name: 'own', expiresInDays: 1 }, { cookie: session })).body.token as string;
    expect((await call('GET', '/api/users', undefined, { token })).status).toBe(200);
    const res = await call('DELETE', `/api/users/${user.id}`);
    expect(res.status).toBe(204);
    expect((await call('GET', '/api/users', undefined, { cookie: session })).status).toBe(401);
    expect((await call('GET', '/api/users', undefined, { token })).status).toBe(401);
    expect((await call('GET', `/api/users/${user.id}`)).status).toBe(404);
    expect((await call('DELETE', `/api/users/${user.id}`)).status).toBe(404);
    const events = await eventsOf(user.id);
    expect(typesOf(events)).toEqual(['AccountCreated', 'AccountDeleted']);
    expect(events[1]).toMatchObject({
      actor: { kind: 'staff', id: accounts.admin.id },
      source: 'console',
      correlationId: res.correlationId,
      data: expect.objectContaining({ email: 'gone@example.test', role: identityV1.AccountRole.ADMIN }),
    });
  });
});

describe('the last active admin', () => {
  it('cannot be demoted, disabled or deleted (409 naming the rule); with another active admin it can', async () => {
    // Every admin but the seeded one is removed first, so it is the last.
    const others = await db
      .selectFrom('user_account')
      .select('id')
      .where('role', '=', 'admin')
      .where('id', '!=', accounts.admin.id)
      .execute();
    for (const { id } of others) expect((await call('DELETE', `/api/users/${id}`)).status).toBe(204);
    const id = accounts.admin.id;
    for (const [method, body] of [
      ['PATCH', { role: 'customer' }],
      ['PATCH', { disabled: true }],
      ['DELETE', undefined],
    ] as const) {
      const res = await call(method, `/api/users/${id}`, body);
      expect(res.status).toBe(409);
      expect(res.body.message).toMatch(/^last admin: admin@example.test is the only active admin/);
    }
    // Refused changes recorded nothing: the seeded admin's only event is its adoption.
    expect(typesOf(await eventsOf(id))).toEqual(['AccountCreated']);
    expect((await eventsOf(id))[0]).toMatchObject({ actor: { kind: 'system', id: 'gateway' }, source: 'system' });
    const second = await newUser('second@example.test');
    expect((await call('PATCH', `/api/users/${second.id}`, { disabled: true })).status).toBe(200);
    // A disabled admin does not count: the seeded one is still the last active admin.
    expect((await call('PATCH', `/api/users/${id}`, { role: 'customer' })).status).toBe(409);
    expect((await call('PATCH', `/api/users/${second.id}`, { disabled: false })).status).toBe(200);
    expect((await call('PATCH', `/api/users/${second.id}`, { role: 'customer' })).status).toBe(200);
  });
});

describe('the list and the roles', () => {
  it('lists with filters, sort and CSV, never a password hash', async () => {
    const list = await call(
      'GET',
      `/api/users?filter=${encodeURIComponent('{"role":"customer","q":"alice"}')}&sort=${encodeURIComponent('["email","ASC"]')}`,
    );
    expect(list.status).toBe(200);
    expect(list.body).toEqual([expect.objectContaining({ email: 'alice@example.test', role: 'customer' })]);
    expect(JSON.stringify(list.body)).not.toContain('argon2');
    const bad = await call('GET', `/api/users?filter=${encodeURIComponent('{"role":"root"}')}`);
    expect(bad.status).toBe(400);
    const csv = await fetch(`${gateway.url}/api/users?format=csv`, { headers: { cookie: admin, accept: 'text/csv' } });
    const text = await csv.text();
    expect(text.split('\n')[0]).toBe('id,email,name,role,disabled,created_at');
    expect(text).toContain('alice@example.test');
    expect(text).not.toContain('argon2');
  });

  it('a customer gets 403 on every /api/users route and changes nothing', async () => {
    const id = accounts.bob.id;
    for (const [method, path, body] of [
      ['GET', '/api/users', undefined],
      ['GET', `/api/users/${id}`, undefined],
      ['POST', '/api/users', { email: 'c@example.test', name: 'C', role: 'admin', password: PASSWORD }],
      ['PATCH', `/api/users/${id}`, { role: 'admin' }],
      ['DELETE', `/api/users/${id}`, undefined],
    ] as const) {
      expect((await call(method, path, body, { cookie: customer })).status, `${method} ${path}`).toBe(403);
    }
    expect(await db.selectFrom('user_account').select('role').where('id', '=', id).executeTakeFirst()).toEqual({ role: 'customer' });
  });
});

describe('the two writes', () => {
  it('a change whose event cannot be stored changes no row', async () => {
    const user = await newUser('kept@example.test', 'customer');
    // A store on a prefix with no IDENTITY stream: the append fails after the decision.
    const nowhere = new AccountCommands(db, new EventStore(nats.js, nats.jsm, eventRegistry, `${nats.prefix}x`));
    const ctx = { actor: { kind: 'staff' as const, id: accounts.admin.id }, source: 'console' as const };
    await expect(nowhere.change(user.id, { name: 'Lost', disabled: true }, ctx)).rejects.toThrow();
    await expect(nowhere.delete(user.id, ctx)).rejects.toThrow();
    expect(await db.selectFrom('user_account').select(['name', 'disabled']).where('id', '=', user.id).executeTakeFirst()).toEqual({
      name: 'kept',
      disabled: false,
    });
    expect(typesOf(await eventsOf(user.id))).toEqual(['AccountCreated']);
  });

  it('a row that lags its events is brought back in line at the next change', async () => {
    const user = await newUser('lag@example.test', 'customer');
    // As if a commit had failed after its append: the event stands, the row did not follow.
    await call('PATCH', `/api/users/${user.id}`, { name: 'Renamed' });
    await db.updateTable('user_account').set({ name: 'stale' }).where('id', '=', user.id).execute();
    expect((await call('PATCH', `/api/users/${user.id}`, { role: 'admin' })).body).toMatchObject({ name: 'Renamed', role: 'admin' });
  });

  it('a row left behind its AccountDeleted is removed at the next change, which answers 404', async () => {
    const user = await newUser('lost@example.test', 'customer');
    const session = (await signIn(gateway.url, 'lost@example.test', PASSWORD)).cookie;
    // As if the delete's commit had been lost: the event stands, the row (and its session) did not go.
    const version = (await eventsOf(user.id)).at(-1)!.streamSeq;
    await store.append(
      { context: 'identity', type: 'account', id: user.id },
      [
        {
          id: crypto.randomUUID(),
          data: create(identityV1.AccountDeletedSchema, {
            accountId: user.id,
            email: 'lost@example.test',
            role: identityV1.AccountRole.CUSTOMER,
          }),
          occurredAt: new Date(),
        },
      ],
      version,
      { actor: { kind: 'staff', id: accounts.admin.id }, source: 'console' },
    );
    expect((await call('PATCH', `/api/users/${user.id}`, { name: 'Back' })).status).toBe(404);
    expect(await db.selectFrom('user_account').select('id').where('id', '=', user.id).execute()).toEqual([]);
    expect((await call('GET', '/api/auth/me', undefined, { cookie: session })).status).toBe(401);
    expect(typesOf(await eventsOf(user.id))).toEqual(['AccountCreated', 'AccountDeleted']);
  });
});
