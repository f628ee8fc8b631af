// AccountCommands on real NATS and Postgres: accounts that have a row and no events (the seeded admin, accounts older
// than their events) get their AccountCreated when the gateway starts, once even with two replicas starting at once;
// deleting an account records ApiTokenRevoked for each of its live API tokens with the deletion's actor and source.
import { create } from '@bufbuild/protobuf';
import { eventRegistry, identityV1 } from '@opsledger/contracts';
import { ensureEventStream, EventStore, type StoredEvent } from '@opsledger/eventstore';
import { createTestDatabase, createTestNats, type TestDatabase, type TestNats } from '@opsledger/testing';
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dropContextSchemas, identityDb, startTestGateway } from '../test-support/test-gateway';
import { AccountCommands } from './account-commands';
import { AccountEvents } from './account-events';
import { createAccount } from './accounts';
import { createApiToken, revokeApiToken } from './api-tokens';
import type { IdentityTables } from './identity-tables';

let pg: TestDatabase;
let nats: TestNats;
let store: EventStore;
let db: Kysely<IdentityTables>;
const PASSWORD = 'correct-horse-battery';
const DAY_MS = 86_400_000;

beforeAll(async () => {
  pg = await createTestDatabase();
  nats = await createTestNats();
  await ensureEventStream(nats.jsm, 'identity', { prefix: nats.prefix });
  store = new EventStore(nats.js, nats.jsm, eventRegistry, nats.prefix);
  db = await identityDb(pg, nats.prefix);
});
afterAll(async () => {
  await dropContextSchemas(pg, nats.prefix);
  await nats?.dispose();
  await pg?.dispose();
});

const accountEvents = (id: string) => store.read({ context: 'identity', type: 'account', id });
const tokenEvents = (id: string) => store.read({ context: 'identity', type: 'api-token', id });
const typesOf = (events: StoredEvent[]) => events.map((e) => e.type.replace('platform.identity.v1.', ''));

describe('adopting accounts that have no events', () => {
  it('two replicas at once record exactly one AccountCreated, by the system, for each; accounts with events are left alone', async () => {
    // Rows only, as the gateway-alone seed and accounts older than their events have them.
    const seeded = await createAccount(db, { email: 'seeded@example.test', name: 'Seeded', role: 'admin', password: PASSWORD });
    const older = await createAccount(db, { email: 'older@example.test', name: 'Older', role: 'customer', password: PASSWORD });
    const withEvents = await createAccount(
      db,
      { email: 'evented@example.test', name: 'Evented', role: 'admin', password: PASSWORD },
      new AccountEvents(store, { actor: { kind: 'system', id: 'test' }, source: 'cli' }),
    );
    const [a, b] = await Promise.all([new AccountCommands(db, store).adoptAll(), new AccountCommands(db, store).adoptAll()]);
    expect(a + b).toBe(2);
    for (const [row, role] of [
      [seeded, identityV1.AccountRole.ADMIN],
      [older, identityV1.AccountRole.CUSTOMER],
    ] as const) {
      const events = await accountEvents(row.id);
      expect(typesOf(events)).toEqual(['AccountCreated']);
      expect(events[0]).toMatchObject({
        actor: { kind: 'system', id: 'gateway' },
        source: 'system',
        data: expect.objectContaining({ accountId: row.id, email: row.email, role }),
      });
    }
    expect(typesOf(await accountEvents(withEvents.id))).toEqual(['AccountCreated']);
    expect((await accountEvents(withEvents.id))[0]).toMatchObject({ source: 'cli' });
    expect(await new AccountCommands(db, store).adoptAll()).toBe(0);
  });

  it('the gateway does it at its start: an account made before it started has its AccountCreated before any change', async () => {
    const early = await createAccount(db, { email: 'early@example.test', name: 'Early', role: 'admin', password: PASSWORD });
    expect(await accountEvents(early.id)).toEqual([]);
    const gateway = await startTestGateway(pg, nats);
    try {
      expect(typesOf(await accountEvents(early.id))).toEqual(['AccountCreated']);
    } finally {
      await gateway.close();
    }
  });
});

describe('deleting an account', () => {
  it('records ApiTokenRevoked for each of its live tokens with the deletion’s actor, source and correlation id; none for a revoked or expired one', async () => {
    const user = await createAccount(db, { email: 'leaving@example.test', name: 'Leaving', role: 'customer', password: PASSWORD });
    const token = (name: string, expiresAt = new Date(Date.now() + 30 * DAY_MS)) =>
      createApiToken(db, { userId: user.id, name, createdBy: user.id, expiresAt });
    const live1 = await token('ci');
    const live2 = await token('backup');
    const revoked = await token('old');
    await revokeApiToken(db, revoked.id);
    const expired = await token('expired', new Date(Date.now() - DAY_MS));
    const ctx = { actor: { kind: 'staff' as const, id: 'admin-1' }, source: 'console' as const, correlationId: 'corr-delete-1' };

    await new AccountCommands(db, store).delete(user.id, ctx);

    expect(typesOf(await accountEvents(user.id))).toEqual(['AccountCreated', 'AccountDeleted']);
    for (const { id } of [live1, live2]) {
      const events = await tokenEvents(id);
      expect(events).toEqual([
        expect.objectContaining({
          type: identityV1.ApiTokenRevokedSchema.typeName,
          actor: ctx.actor,
          source: 'console',
          correlationId: 'corr-delete-1',
          data: expect.objectContaining({ tokenId: id, accountId: user.id, revokedBy: 'admin-1' }),
        }),
      ]);
    }
    expect(await tokenEvents(revoked.id)).toEqual([]);
    expect(await tokenEvents(expired.id)).toEqual([]);
    expect(await db.selectFrom('api_token').select('id').where('user_id', '=', user.id).execute()).toEqual([]);
  });

  it('a deletion whose commit was lost: the next change records its live tokens’ revocations (by the system) and removes the row', async () => {
    const user = await createAccount(
      db,
      { email: 'half-gone@example.test', name: 'Half', role: 'customer', password: PASSWORD },
      new AccountEvents(store, { actor: { kind: 'system', id: 'test' }, source: 'cli' }),
    );
    const live = await createApiToken(db, { userId: user.id, name: 'ci', createdBy: user.id, expiresAt: new Date(Date.now() + DAY_MS) });
    // As if the gateway had appended AccountDeleted and then lost its commit: the event stands, row and token remain.
    const [created] = await accountEvents(user.id);
    await store.append(
      { context: 'identity', type: 'account', id: user.id },
      [
        {
          id: 'a1b2c3d4-0000-7000-8000-000000000001',
          data: create(identityV1.AccountDeletedSchema, { accountId: user.id, email: user.email, role: identityV1.AccountRole.CUSTOMER }),
          occurredAt: new Date(),
        },
      ],
      created!.streamSeq,
      { actor: { kind: 'staff', id: 'admin-1' }, source: 'console' },
    );
    await expect(
      new AccountCommands(db, store).change(user.id, { name: 'Again' }, { actor: { kind: 'staff', id: 'admin-1' }, source: 'console' }),
    ).rejects.toThrow(/not found/);
    expect(await tokenEvents(live.id)).toEqual([
      expect.objectContaining({
        type: identityV1.ApiTokenRevokedSchema.typeName,
        actor: { kind: 'system', id: 'gateway' },
        source: 'system',
      }),
    ]);
    expect(await db.selectFrom('user_account').select('id').where('id', '=', user.id).execute()).toEqual([]);
    expect(await db.selectFrom('api_token').select('id').where('user_id', '=', user.id).execute()).toEqual([]);
  });
});
