// The principal cache on real Postgres: a change committed by anyone (another replica, the CLI, a plain SQL session)
// reaches every listening gateway through the identity tables' trigger, and a lost listening connection stops the
// cache until a new one listens.
import { contextSchema } from '@opsledger/db';
import { createTestDatabase, testEnv, uniqueToken, type TestDatabase } from '@opsledger/testing';
import { type Kysely, sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { dropContextSchemas, identityDb } from '../test-support/test-gateway';
import { createAccount } from './accounts';
import { createApiToken } from './api-tokens';
import { IdentityChanges } from './identity-changes';
import type { IdentityTables } from './identity-tables';
import type { Principal } from './principal';
import { PrincipalCache } from './principal-cache';
import { admitSession, createSession } from './sessions';
import { tokenHash } from './secrets';

let pg: TestDatabase;
let db: Kysely<IdentityTables>;
let changes: IdentityChanges;
const prefix = `t${uniqueToken()}`;
const cache = new PrincipalCache<Principal>();
// Its own name, so that cutting its connection touches no other test's gateway.
const listenerName = `opsledger-test-identity-${prefix}`;
const client = { ip: '127.0.0.1', userAgent: 'test' };

beforeAll(async () => {
  pg = await createTestDatabase();
  db = await identityDb(pg, prefix);
  changes = new IdentityChanges(testEnv.databaseUrl, contextSchema('identity', prefix), [cache], listenerName);
  await changes.onModuleInit();
});
afterAll(async () => {
  await changes?.onApplicationShutdown();
  await dropContextSchemas(pg, prefix);
  await pg?.dispose();
});

/** A session check through the cache, counting the times it asked the database. */
function checker(token: string) {
  let reads = 0;
  const check = () =>
    cache.admit(tokenHash(token), () => {
      reads++;
      return admitSession(db, tokenHash(token));
    });
  return { check, reads: () => reads };
}

async function newSession(email: string) {
  const account = await createAccount(db, { email, name: email, role: 'customer', password: 'correct-horse-battery' });
  const { token } = await createSession(db, account.id, client, 1);
  return { account, token, ...checker(token) };
}

async function until(condition: () => Promise<boolean>, ms = 5_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

it('a session checked twice is read once', async () => {
  const s = await newSession('once@example.test');
  expect((await s.check())?.email).toBe('once@example.test');
  expect((await s.check())?.email).toBe('once@example.test');
  expect(s.reads()).toBe(1);
});

it('an account disabled from another connection is refused as soon as its notice arrives', async () => {
  const s = await newSession('disabled@example.test');
  await s.check();
  // As the CLI or another replica would: a plain update, committed elsewhere.
  await sql`update ${sql.id(contextSchema('identity', prefix), 'user_account')} set disabled = true where id = ${s.account.id}`.execute(
    pg.db,
  );
  await until(async () => (await s.check()) === undefined, 2_000);
});

it('a session ended elsewhere (logout on another replica) and a role changed elsewhere are read again', async () => {
  const ended = await newSession('ended@example.test');
  const promoted = await newSession('promoted@example.test');
  await ended.check();
  await promoted.check();
  await db.deleteFrom('session').where('token_hash', '=', tokenHash(ended.token)).execute();
  await db.updateTable('user_account').set({ role: 'admin' }).where('id', '=', promoted.account.id).execute();
  await until(async () => (await ended.check()) === undefined && (await promoted.check())?.role === 'admin', 2_000);
});

it("a token's revocation is announced under its hash", async () => {
  const account = await createAccount(db, { email: 'tok@example.test', name: 'tok', role: 'admin', password: 'correct-horse-battery' });
  const token = await createApiToken(db, {
    userId: account.id,
    name: 't',
    createdBy: account.id,
    expiresAt: new Date(Date.now() + 3_600_000),
  });
  const heard: string[] = [];
  const spy = new PrincipalCache<unknown>();
  const original = spy.changed.bind(spy);
  spy.changed = (change) => {
    if (change.kind === 'token') heard.push(change.hash);
    original(change);
  };
  const listener = new IdentityChanges(testEnv.databaseUrl, contextSchema('identity', prefix), [spy]);
  await listener.onModuleInit();
  try {
    await db.updateTable('api_token').set({ revoked_at: new Date() }).where('id', '=', token.id).execute();
    await until(async () => heard.includes(tokenHash(token.token)), 2_000);
  } finally {
    await listener.onApplicationShutdown();
  }
});

it('while the listening connection is lost nothing is remembered, and it listens again', async () => {
  const s = await newSession('lost@example.test');
  await s.check();
  await sql`select pg_terminate_backend(pid) from pg_stat_activity where application_name = ${listenerName}`.execute(pg.db);
  // Deafened: every check reads the database.
  await until(async () => {
    const before = s.reads();
    await s.check();
    return s.reads() > before;
  });
  // Listening again after a second: checks are remembered again.
  await until(async () => {
    const before = s.reads();
    await s.check();
    await s.check();
    return s.reads() === before + 1 || s.reads() === before;
  }, 5_000);
});
