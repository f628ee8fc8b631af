// An account created with AccountEvents is on the IDENTITY stream, and an account whose event cannot be stored is not created.
import { eventRegistry, identityV1 } from '@opsledger/contracts';
import { ensureEventStream, EventStore } from '@opsledger/eventstore';
import { createTestDatabase, createTestNats, type TestDatabase, type TestNats } from '@opsledger/testing';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { dropContextSchemas, identityDb } from '../test-support/test-gateway';
import { AccountEvents } from './account-events';
import { createAccount, findAccountByEmail } from './accounts';

let pg: TestDatabase;
let nats: TestNats;
const by = { actor: { kind: 'system' as const, id: 'test' }, source: 'cli' as const };

beforeAll(async () => {
  pg = await createTestDatabase();
  nats = await createTestNats();
});
afterAll(async () => {
  await dropContextSchemas(pg, nats.prefix);
  await nats?.dispose();
  await pg?.dispose();
});

it('publishes AccountCreated with the account’s id, address, name and role', async () => {
  await ensureEventStream(nats.jsm, 'identity', { prefix: nats.prefix });
  const store = new EventStore(nats.js, nats.jsm, eventRegistry, nats.prefix);
  const db = await identityDb(pg, nats.prefix);
  const row = await createAccount(
    db,
    { email: 'Ada@Example.test', name: 'Ada', role: 'customer', password: 'correct-horse-battery' },
    new AccountEvents(store, by),
  );
  const events = await store.read({ context: 'identity', type: 'account', id: row.id });
  expect(events.map((e) => e.data)).toEqual([
    expect.objectContaining({ accountId: row.id, email: 'ada@example.test', name: 'Ada', role: identityV1.AccountRole.CUSTOMER }),
  ]);
  expect(events[0]).toMatchObject({ actor: by.actor, source: 'cli' });
});

it('an account whose event cannot be stored is not created either', async () => {
  // A store on a prefix with no IDENTITY stream: the append fails.
  const nowhere = new EventStore(nats.js, nats.jsm, eventRegistry, `${nats.prefix}x`);
  const db = await identityDb(pg, nats.prefix);
  await expect(
    createAccount(
      db,
      { email: 'bob@example.test', name: 'Bob', role: 'customer', password: 'correct-horse-battery' },
      new AccountEvents(nowhere, by),
    ),
  ).rejects.toThrow();
  expect(await findAccountByEmail(db, 'bob@example.test')).toBeUndefined();
});
