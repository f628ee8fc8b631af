import { createTestDatabase, type TestDatabase, uniqueToken } from '@opsledger/testing';
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { dropContextSchemas, identityDb } from '../test-support/test-gateway';
import { createAccount } from './accounts';
import type { IdentityTables } from './identity-tables';
import { tokenHash } from './secrets';
import { admitSession, createSession } from './sessions';

let pg: TestDatabase;
let db: Kysely<IdentityTables>;
const prefix = `t${uniqueToken()}`;
const client = { ip: '127.0.0.1', userAgent: 'test' };

beforeAll(async () => {
  pg = await createTestDatabase();
  db = await identityDb(pg, prefix);
});
afterAll(async () => {
  await dropContextSchemas(pg, prefix);
  await pg?.dispose();
});

const account = (email: string) => createAccount(db, { email, name: email, role: 'customer', password: 'correct-horse-battery' });
/** A session row as an earlier sign-in left it, ended `hoursAgo` hours ago (negative: still running). */
const leftSession = (userId: string, name: string, hoursAgo: number) =>
  db
    .insertInto('session')
    .values({
      token_hash: tokenHash(name),
      user_id: userId,
      expires_at: new Date(Date.now() - hoursAgo * 3_600_000),
      ip: '',
      user_agent: '',
    })
    .execute();
const sessionsOf = async (userId: string) =>
  (await db.selectFrom('session').select('token_hash').where('user_id', '=', userId).execute()).map((r) => r.token_hash).sort();

it('signing in takes the account’s expired sessions and keeps its running ones and every other account’s', async () => {
  const ada = await account('ada@example.test');
  const bob = await account('bob@example.test');
  await leftSession(ada.id, 'ada-expired', 2);
  await leftSession(ada.id, 'ada-running', -2);
  await leftSession(bob.id, 'bob-expired', 2);

  const { token } = await createSession(db, ada.id, client, 1);

  expect(await sessionsOf(ada.id)).toEqual([tokenHash('ada-running'), tokenHash(token)].sort());
  expect(await sessionsOf(bob.id)).toEqual([tokenHash('bob-expired')]);
  expect(await admitSession(db, tokenHash(token))).toMatchObject({ userId: ada.id });
});
