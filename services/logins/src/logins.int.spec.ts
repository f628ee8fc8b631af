// The logins service as its own process (its main.ts, as `npm start` runs it) on real NATS and PostgreSQL: Settings →
// Security through its command (a bad proxy named by index), failures from one IPv6 address of one network raising
// an address block and a network (ASN) block, a lift and a second lift refused, and a rebuild of its lookup from the
// start of LOGINS that appends nothing twice; a prune of the IP Log taking the failures its attempts counted.
import { create } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { ActorKind, eventRegistry, loginsV1, settingsV1, Source, streamName } from '@opsledger/contracts';
import { contextSchema } from '@opsledger/db';
import { decodeEvent, ensureEventStream, EventStore, type StoredEvent } from '@opsledger/eventstore';
import { CommandClient, ConflictError, ValidationError } from '@opsledger/messaging';
import {
  createTestDatabase,
  createTestNats,
  freePort,
  ServiceProcess,
  type TestDatabase,
  type TestNats,
  testEnv,
} from '@opsledger/testing';
import { sql } from 'kysely';
import { setTimeout as sleep } from 'node:timers/promises';
import { v7 as uuidv7 } from 'uuid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

let pg: TestDatabase;
let nats: TestNats;
let store: EventStore;
let client: CommandClient;
let service: ServiceProcess;
let port = 0;
const staff = { actor: { userId: 'admin-1', kind: ActorKind.STAFF }, source: Source.CONSOLE };

async function start() {
  service = ServiceProcess.start('logins', 'services/logins/src/main.ts', {
    DATABASE_URL: testEnv.databaseUrl,
    NATS_URL: nats.url,
    OPSLEDGER_PREFIX: nats.prefix,
    LOGINS_PORT: String(port),
  });
  await service.waitReady(`http://127.0.0.1:${port}/readyz`, 150_000);
}

beforeAll(async () => {
  pg = await createTestDatabase();
  nats = await createTestNats();
  for (const context of ['logins', 'settings'] as const) await ensureEventStream(nats.jsm, context, { prefix: nats.prefix });
  store = new EventStore(nats.js, nats.jsm, eventRegistry, nats.prefix);
  client = new CommandClient(nats.nc, nats.prefix, 15_000);
  port = await freePort();
  await start();
}, 180_000);
afterAll(async () => {
  await service?.stop();
  if (nats) await sql`drop schema if exists ${sql.id(contextSchema('logins_service', nats.prefix))} cascade`.execute(pg.db);
  await nats?.dispose();
  await pg?.dispose();
});

async function attempt(ip: string, email: string, result: loginsV1.LoginResult, userId = '') {
  const attemptId = uuidv7();
  const data = create(loginsV1.LoginAttemptedSchema, {
    attemptId,
    email,
    userId,
    ip,
    userAgent: 'curl/8.5.0',
    channel: loginsV1.LoginChannel.PANEL,
    result,
    reason: result === loginsV1.LoginResult.FAILED ? 'bad_credentials' : '',
    at: timestampFromDate(new Date()),
    peerIp: ip,
  });
  await store.append({ context: 'logins', type: 'attempt', id: attemptId }, [{ id: uuidv7(), data, occurredAt: new Date() }], 0, {
    actor: { kind: 'system', id: 'gateway' },
    source: 'console',
  });
  return attemptId;
}
/** Every event on the test's LOGINS stream of this type, in order. */
async function all(type: string): Promise<StoredEvent[]> {
  const stream = streamName('logins', nats.prefix);
  const info = await nats.jsm.streams.info(stream);
  const out: StoredEvent[] = [];
  if (info.state.messages === 0) return out;
  const consumer = await nats.js.consumers.get(stream);
  try {
    const batch = await consumer.fetch({ max_messages: info.state.messages, expires: 2_000 });
    for await (const m of batch) {
      out.push(decodeEvent(eventRegistry, m));
      if (m.info.pending === 0) break;
    }
  } finally {
    await consumer.delete().catch(() => undefined);
  }
  return out.filter((e) => e.type === type);
}
async function until<T>(read: () => Promise<T>, ok: (v: T) => boolean, what: string, ms = 30_000) {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await read();
    if (ok(v)) return v;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${ms} ms (last ${JSON.stringify(v).slice(0, 300)})`);
    await sleep(100);
  }
}

describe('logins service', () => {
  it('Settings → Security: a bad proxy entry is refused naming it; a good section is appended on SETTINGS', async () => {
    const section = {
      ...staff,
      notifications: { newLocation: true, sessionExpired: false },
      bruteForce: { threshold: 3, windowSeconds: 600, coolDownSeconds: 600 },
    };
    const refused = await client
      .send(settingsV1.ChangeSecuritySettingsCommand, { ...section, trustedProxies: ['10.0.0.0/8', 'proxy.internal'] })
      .catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ValidationError);
    expect((refused as ValidationError).violations).toEqual([expect.objectContaining({ field: 'trustedProxies.1' })]);
    const result = await client.send(settingsV1.ChangeSecuritySettingsCommand, { ...section, trustedProxies: ['10.0.0.0/8'] });
    expect(result.section).toBe('security');
    const events = await store.read({ context: 'settings', type: 'section', id: 'security' });
    expect(events.map((e) => e.type)).toEqual([settingsV1.SecuritySettingsChangedSchema.typeName]);
  });

  it('failures from one address of one network raise an address block and a network block; a lift ends one, once', async () => {
    // The service's copy of the section holds threshold 3 before the failures arrive.
    const db = pg.db.withSchema(contextSchema('logins_service', nats.prefix)) as any;
    await until(
      async () => (await db.selectFrom('security_settings').select('settings').executeTakeFirst())?.settings?.bruteForce?.threshold,
      (t) => t === 3,
      'settings applied',
    );
    const ids: string[] = [];
    for (const email of ['a@example.test', 'b@example.test', 'c@example.test'])
      ids.push(await attempt('2001:4860:4860::8888', email, loginsV1.LoginResult.FAILED));
    const suspected = await until(
      () => all(loginsV1.LoginAttackSuspectedSchema.typeName),
      (l) => l.length >= 2,
      'attack suspected',
    );
    expect(suspected).toHaveLength(2);
    const ipBlock = await store.read({ context: 'logins', type: 'block', id: `${ids[2]}-ip` });
    const asnBlock = await store.read({ context: 'logins', type: 'block', id: `${ids[2]}-asn` });
    expect(ipBlock[0]!.data).toMatchObject({ scope: 'ip', key: '2001:4860:4860::8888', failures: 3 });
    expect(asnBlock[0]!.data).toMatchObject({ scope: 'asn', key: '15169', failures: 3 });
    const located = await store.read({ context: 'logins', type: 'attempt', id: ids[0]! });
    expect(located[1]!.data).toMatchObject({ ipClass: 'public', asn: 15169, network: 'Google LLC', userAgentSummary: 'curl/8.5.0' });

    await client.send(loginsV1.LiftLoginBlockCommand, { ...staff, blockId: `${ids[2]}-ip` });
    expect((await store.read({ context: 'logins', type: 'block', id: `${ids[2]}-ip` })).map((e) => e.type)).toEqual([
      loginsV1.LoginAttackSuspectedSchema.typeName,
      loginsV1.LoginBlockLiftedSchema.typeName,
    ]);
    const again = await client.send(loginsV1.LiftLoginBlockCommand, { ...staff, blockId: `${ids[2]}-ip` }).catch((e: unknown) => e);
    expect(again).toBeInstanceOf(ConflictError);
  });

  it('its lookup rebuilt from the start of LOGINS appends nothing twice', async () => {
    const before = {
      located: (await all(loginsV1.LoginAttemptLocatedSchema.typeName)).length,
      suspected: (await all(loginsV1.LoginAttackSuspectedSchema.typeName)).length,
    };
    expect(before.located).toBe(3);
    await service.stop();
    const db = pg.db.withSchema(contextSchema('logins_service', nats.prefix)) as any;
    await db.updateTable('projection_checkpoint').set({ last_seq: 0 }).where('projection', '=', 'logins-attempts').execute();
    for (const table of ['guard', 'guard_failure', 'seen_location']) await db.deleteFrom(table).execute();
    await start();
    const info = await nats.jsm.streams.info(streamName('logins', nats.prefix));
    await until(
      async () =>
        Number(
          (await db.selectFrom('projection_checkpoint').select('last_seq').where('projection', '=', 'logins-attempts').executeTakeFirst())
            ?.last_seq ?? 0,
        ),
      (seq) => seq >= info.state.last_seq,
      'lookup rebuilt',
    );
    expect((await all(loginsV1.LoginAttemptLocatedSchema.typeName)).length).toBe(before.located);
    expect((await all(loginsV1.LoginAttackSuspectedSchema.typeName)).length).toBe(before.suspected);
  });

  it('a prune of the IP Log takes the failures its attempts counted and keeps the later ones, and every place seen', async () => {
    const db = pg.db.withSchema(contextSchema('logins_service', nats.prefix)) as any;
    const rows = async () => ({
      failures: (await db.selectFrom('guard_failure').select('key').where('scope', '=', 'ip').orderBy('key').execute()).map(
        (r: { key: string }) => r.key,
      ),
      seen: (await db.selectFrom('seen_location').select(['user_id', 'kind']).orderBy('user_id').orderBy('kind').execute()).map(
        (r: { user_id: string; kind: string }) => `${r.user_id} ${r.kind}`,
      ),
    });
    await attempt('1.1.1.1', 'old@example.test', loginsV1.LoginResult.FAILED);
    await attempt('1.1.1.1', 'old@example.test', loginsV1.LoginResult.SUCCEEDED, 'user-old');
    await until(rows, (r) => r.failures.includes('1.1.1.1') && r.seen.length === 2, 'the older attempts projected');
    const before = new Date();
    await sleep(5);
    await attempt('9.9.9.9', 'new@example.test', loginsV1.LoginResult.FAILED);
    await attempt('9.9.9.9', 'new@example.test', loginsV1.LoginResult.SUCCEEDED, 'user-new');
    await until(rows, (r) => r.failures.includes('9.9.9.9') && r.seen.length === 4, 'the later attempts projected');

    const pruneId = uuidv7();
    const pruned = create(loginsV1.IpLogPrunedSchema, {
      pruneId,
      before: timestampFromDate(before),
      retentionDays: 1,
      at: timestampFromDate(new Date()),
    });
    await store.append({ context: 'logins', type: 'log-prune', id: pruneId }, [{ id: uuidv7(), data: pruned, occurredAt: new Date() }], 0, {
      actor: { kind: 'system', id: 'logins' },
      source: 'system',
    });
    expect(await until(rows, (r) => !r.failures.includes('1.1.1.1'), 'the pruned failures forgotten')).toEqual({
      failures: ['9.9.9.9'],
      seen: ['user-new asn', 'user-new country', 'user-old asn', 'user-old country'],
    });
  });
});
