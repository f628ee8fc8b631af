// Settings → Retention's email-log and IP-log periods, applied: the email and logins services as their own processes
// (their main.ts, as `npm start` runs them) on real NATS, PostgreSQL (and Temporal, which the email service's
// dispatcher needs), with the gateway's Email Log and IP Log projections run against the same streams. With a period of
// N days, records older than N leave the stream and the read model and newer ones stay; a second run changes nothing;
// a rebuild of the read model from the stream brings nothing back.
import { create, type DescMessage, type MessageInitShape } from '@bufbuild/protobuf';
import { timestampDate, timestampFromDate } from '@bufbuild/protobuf/wkt';
import { type AggregateRef, ActorKind, emailV1, eventRegistry, loginsV1, settingsV1, Source, streamName } from '@opsledger/contracts';
import { contextSchema } from '@opsledger/db';
import { ensureEventStream, EventStore, type Projection, ProjectionRunner } from '@opsledger/eventstore';
import { dropContextSchemas, emailProjection, ipLogProjection } from '@opsledger/gateway/testing';
import { CommandClient } from '@opsledger/messaging';
import {
  createTemporalTestEnv,
  createTestDatabase,
  createTestNats,
  freePort,
  ServiceProcess,
  type TestDatabase,
  type TestNats,
  testEnv,
} from '@opsledger/testing';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const DAY = 86_400_000;
/** Settings → Retention as an admin saved it: different periods, so each service is seen to read its own. */
const EMAIL_LOG_DAYS = 30;
const IP_LOG_DAYS = 10;
const scheduler = { actor: { userId: 'scheduler', kind: ActorKind.SYSTEM }, source: Source.SYSTEM };

let pg: TestDatabase;
let nats: TestNats;
let temporal: Awaited<ReturnType<typeof createTemporalTestEnv>>['env'];
let store: EventStore;
let client: CommandClient;
let gatewaySchema: string;
const services: Record<'email' | 'logins', { process: ServiceProcess; url: string }> = {} as never;

async function startService(name: 'email' | 'logins', env: Record<string, string>) {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const process = ServiceProcess.start(name, `services/${name}/src/main.ts`, {
    DATABASE_URL: testEnv.databaseUrl,
    NATS_URL: nats.url,
    OPSLEDGER_PREFIX: nats.prefix,
    [`${name.toUpperCase()}_PORT`]: String(port),
    ...env,
  });
  services[name] = { process, url };
  await process.waitReady(`${url}/readyz`, 150_000);
}

beforeAll(async () => {
  [pg, nats, { env: temporal }] = await Promise.all([createTestDatabase(), createTestNats(), createTemporalTestEnv()]);
  for (const context of ['email', 'logins', 'settings', 'identity', 'provisioning', 'tasks'] as const)
    await ensureEventStream(nats.jsm, context, { prefix: nats.prefix });
  store = new EventStore(nats.js, nats.jsm, eventRegistry, nats.prefix);
  client = new CommandClient(nats.nc, nats.prefix, 30_000);
  gatewaySchema = contextSchema('gateway', nats.prefix);
  await append({ context: 'settings', type: 'section', id: 'retention' }, settingsV1.RetentionSettingsChangedSchema, {
    auditDays: 365,
    emailLogDays: EMAIL_LOG_DAYS,
    ipLogDays: IP_LOG_DAYS,
    at: timestampFromDate(new Date()),
  });
  await Promise.all([
    // No deliveries here: the worker stays off; the dispatcher still starts a workflow per queued email on Temporal.
    startService('email', { TEMPORAL_ADDRESS: temporal.address, EMAIL_RUN_WORKER: 'false' }),
    startService('logins', {}),
  ]);
}, 240_000);
afterAll(async () => {
  await Promise.all(Object.values(services).map((s) => s.process.stop()));
  if (nats && pg) await dropContextSchemas(pg, nats.prefix);
  await temporal?.teardown();
  await nats?.dispose();
  await pg?.dispose();
});

/** Appends one event as its context's service would. */
async function append<D extends DescMessage>(ref: AggregateRef, schema: D, data: MessageInitShape<D>, at = new Date()) {
  await store.append(ref, [{ id: randomUUID(), data: create(schema, data), occurredAt: at }], 0, {
    actor: { kind: 'system', id: 'test' },
    source: 'system',
  });
}

/** The subjects still holding messages under `evt.<context>.<type>.>`, as their ids. */
async function subjectIds(context: 'email' | 'logins', type: string): Promise<string[]> {
  const head = `${nats.prefix}.evt.${context}.${type}.`;
  const info = await nats.jsm.streams.info(streamName(context, nats.prefix), { subjects_filter: `${head}>` });
  return Object.keys(info.state.subjects ?? {})
    .map((s) => s.slice(head.length))
    .sort();
}

/** How far a service's projection is behind its stream. */
async function lag(service: 'email' | 'logins', projection: string): Promise<number> {
  const ready = (await (await fetch(`${services[service].url}/readyz`)).json()) as {
    details: { projections: Record<string, { lag: number }> };
  };
  return ready.details.projections[projection]?.lag ?? -1;
}

/** Runs a gateway projection (rebuilt from the start when asked) until it has applied everything on its stream now; its rows. */
async function project(projection: Projection<any>, rows: () => Promise<string[]>, rebuild = false) {
  const runner = new ProjectionRunner({ db: pg.db, js: nats.js, jsm: nats.jsm, registry: eventRegistry, prefix: nats.prefix }, projection);
  if (rebuild) await runner.rebuild();
  await runner.start();
  try {
    const { state } = await nats.jsm.streams.info(streamName(projection.context, nats.prefix));
    await runner.waitFor(state.last_seq);
  } finally {
    await runner.stop();
  }
  return rows();
}

/** The records to seed, by id: their age in days (or a millisecond count short of a whole day, for the edge). */
const ages = (n: number) => ({
  [`old-365`]: 365 * DAY,
  [`old-${n + 1}`]: (n + 1) * DAY,
  [`old-${n}-and-a-minute`]: n * DAY + 60_000,
  [`new-${n}-less-a-minute`]: n * DAY - 60_000,
  [`new-1`]: DAY,
  [`new-0`]: 0,
});

describe('Email Log retention (email.retention → cmd.email.prune-email-log)', () => {
  const rows = async () =>
    (await pg.db.withSchema(gatewaySchema).selectFrom('email_log').select('id').orderBy('id').execute()).map((r) => r.id as string);
  const emailLog = () => emailProjection(gatewaySchema);
  const seeded = ages(EMAIL_LOG_DAYS);
  const kept = Object.keys(seeded)
    .filter((id) => id.startsWith('new-'))
    .sort();

  it(`removes the emails queued more than ${EMAIL_LOG_DAYS} days ago from the stream and the Email Log; newer ones stay`, async () => {
    const now = Date.now();
    for (const [id, age] of Object.entries(seeded)) {
      const at = new Date(now - age);
      await append({ context: 'email', type: 'email', id }, emailV1.EmailQueuedSchema, {
        emailId: id,
        template: 'user.welcome',
        templateVersion: 1,
        to: `${id}@example.test`,
        subject: `hello ${id}`,
        html: '<p>hi</p>',
        queuedAt: timestampFromDate(at),
      });
    }
    expect(await project(emailLog(), rows)).toEqual(Object.keys(seeded).sort());
    await expect.poll(() => lag('email', 'email-index'), { timeout: 20_000 }).toBe(0);

    const dry = await client.send(emailV1.PruneEmailLogCommand, { ...scheduler, dryRun: true });
    expect(dry).toMatchObject({ emails: 3n, eventsPurged: 0n, retentionDays: EMAIL_LOG_DAYS });
    expect(await subjectIds('email', 'email')).toEqual(Object.keys(seeded).sort());

    const pruned = await client.send(emailV1.PruneEmailLogCommand, scheduler);
    expect(pruned).toMatchObject({ emails: 3n, eventsPurged: 3n, retentionDays: EMAIL_LOG_DAYS });
    const before = timestampDate(pruned.before!).getTime();
    expect(Math.abs(before - (Date.now() - EMAIL_LOG_DAYS * DAY))).toBeLessThan(60_000);
    expect(await subjectIds('email', 'email')).toEqual(kept);
    expect(await project(emailLog(), rows)).toEqual(kept);
    expect(await subjectIds('email', 'log-prune')).toHaveLength(1);
  });

  it('a second run finds nothing and records nothing; a rebuild of the Email Log from the stream brings none back', async () => {
    await expect.poll(() => lag('email', 'email-index'), { timeout: 20_000 }).toBe(0);
    expect(await client.send(emailV1.PruneEmailLogCommand, scheduler)).toMatchObject({ emails: 0n, eventsPurged: 0n });
    expect(await subjectIds('email', 'email')).toEqual(kept);
    expect(await subjectIds('email', 'log-prune')).toHaveLength(1);
    expect(await project(emailLog(), rows, true)).toEqual(kept);
  });
});

describe('IP Log retention (logins.retention → cmd.logins.prune-ip-log)', () => {
  const rows = async () =>
    (await pg.db.withSchema(gatewaySchema).selectFrom('login_attempt').select('id').orderBy('id').execute()).map((r) => r.id as string);
  const ipLog = () => ipLogProjection(gatewaySchema);
  const seeded = ages(IP_LOG_DAYS);
  const kept = Object.keys(seeded)
    .filter((id) => id.startsWith('new-'))
    .sort();

  it(`removes the sign-in attempts made more than ${IP_LOG_DAYS} days ago from the stream and the IP Log; newer ones stay`, async () => {
    const now = Date.now();
    for (const [id, age] of Object.entries(seeded)) {
      const at = new Date(now - age);
      await append(
        { context: 'logins', type: 'attempt', id },
        loginsV1.LoginAttemptedSchema,
        {
          attemptId: id,
          email: `${id}@example.test`,
          ip: '192.0.2.10',
          userAgent: 'curl/8',
          channel: loginsV1.LoginChannel.PANEL,
          result: loginsV1.LoginResult.FAILED,
          reason: 'bad_credentials',
          at: timestampFromDate(at),
        },
        at,
      );
    }
    // The logins service answers each attempt (LoginAttemptLocated, on the attempt's subject) and indexes it.
    await expect.poll(() => lag('logins', 'logins-attempts'), { timeout: 20_000 }).toBe(0);
    await expect.poll(() => lag('logins', 'logins-attempt-index'), { timeout: 20_000 }).toBe(0);
    expect(await project(ipLog(), rows)).toEqual(Object.keys(seeded).sort());

    const dry = await client.send(loginsV1.PruneIpLogCommand, { ...scheduler, dryRun: true });
    expect(dry).toMatchObject({ attempts: 3n, eventsPurged: 0n, retentionDays: IP_LOG_DAYS });
    expect(await subjectIds('logins', 'attempt')).toEqual(Object.keys(seeded).sort());

    const pruned = await client.send(loginsV1.PruneIpLogCommand, scheduler);
    // Each old attempt's LoginAttempted and LoginAttemptLocated.
    expect(pruned).toMatchObject({ attempts: 3n, eventsPurged: 6n, retentionDays: IP_LOG_DAYS });
    expect(await subjectIds('logins', 'attempt')).toEqual(kept);
    expect(await project(ipLog(), rows)).toEqual(kept);
    expect(await subjectIds('logins', 'log-prune')).toHaveLength(1);
  });

  it('a second run finds nothing and records nothing; a rebuild of the IP Log from the stream brings none back', async () => {
    await expect.poll(() => lag('logins', 'logins-attempt-index'), { timeout: 20_000 }).toBe(0);
    expect(await client.send(loginsV1.PruneIpLogCommand, scheduler)).toMatchObject({ attempts: 0n, eventsPurged: 0n });
    expect(await subjectIds('logins', 'attempt')).toEqual(kept);
    expect(await subjectIds('logins', 'log-prune')).toHaveLength(1);
    expect(await project(ipLog(), rows, true)).toEqual(kept);
  });
});
