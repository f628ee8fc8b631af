// Settings → Retention end to end: the gateway's GET/PUT /api/settings/retention in front of the audit service (its
// own process, as the dev stack runs it), on real NATS and Postgres. A save is validated by the audit service (the
// field and the rule in the 400), stored as the SETTINGS stream's retention section, read back, and audited as
// setting.edit with the admin, the console as source, the request's client IP and its correlation id.
import { auditV1, CONTEXTS, Source } from '@opsledger/contracts';
import { contextSchema } from '@opsledger/db';
import { ensureEventStream, EventStore } from '@opsledger/eventstore';
import { eventRegistry } from '@opsledger/contracts';
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
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dropContextSchemas, identityDb, seedAccounts, signIn, startTestGateway } from '../test-support/test-gateway';

let pg: TestDatabase;
let nats: TestNats;
let gateway: Awaited<ReturnType<typeof startTestGateway>>;
let audit: ServiceProcess;
let admin = '';
let adminId = '';
let customer = '';

beforeAll(async () => {
  pg = await createTestDatabase();
  nats = await createTestNats();
  for (const context of CONTEXTS) await ensureEventStream(nats.jsm, context, { prefix: nats.prefix });
  const port = await freePort();
  audit = ServiceProcess.start('audit', 'services/audit/src/main.ts', {
    DATABASE_URL: testEnv.databaseUrl,
    NATS_URL: nats.url,
    OPSLEDGER_PREFIX: nats.prefix,
    AUDIT_PORT: String(port),
  });
  gateway = await startTestGateway(pg, nats);
  const accounts = await seedAccounts(await identityDb(pg, nats.prefix));
  adminId = accounts.admin.id;
  admin = (await signIn(gateway.url, accounts.admin.email, accounts.password)).cookie;
  customer = (await signIn(gateway.url, accounts.alice.email, accounts.password)).cookie;
  await audit.waitReady(`http://127.0.0.1:${port}/readyz`);
}, 120_000);
afterAll(async () => {
  await audit?.stop();
  await gateway?.close();
  await dropContextSchemas(pg, nats.prefix);
  await sql`drop schema if exists ${sql.id(contextSchema('audit_service', nats.prefix))} cascade`.execute(pg.db);
  await nats?.dispose();
  await pg?.dispose();
});

const api = (path: string, cookie: string, init: RequestInit = {}) =>
  fetch(`${gateway.url}${path}`, {
    ...init,
    headers: { cookie, 'content-type': 'application/json', 'x-requested-with': 'XMLHttpRequest', ...(init.headers ?? {}) },
  });

describe('GET/PUT /api/settings/retention', () => {
  it('answers the defaults until saved', async () => {
    const res = await api('/api/settings/retention', admin);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ id: 'retention', saved: false, auditDays: 365, emailLogDays: 90, ipLogDays: 90, version: 0 });
  });

  it('refuses out-of-range days, naming each field and its rule; nothing is saved', async () => {
    const res = await api('/api/settings/retention', admin, {
      method: 'PUT',
      body: JSON.stringify({ auditDays: 7, emailLogDays: 90, ipLogDays: 4000 }),
    });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { violations: { field: string; rule: string }[] };
    expect(body.violations).toEqual([
      expect.objectContaining({ field: 'auditDays', rule: 'min:30' }),
      expect.objectContaining({ field: 'ipLogDays', rule: 'max:3650' }),
    ]);
    const typed = await api('/api/settings/retention', admin, { method: 'PUT', body: JSON.stringify({ auditDays: 'a year' }) });
    expect(typed.status).toBe(400);
    expect(await (await api('/api/settings/retention', admin)).json()).toMatchObject({ saved: false });
  });

  it('a customer may neither read nor change it', async () => {
    expect((await api('/api/settings/retention', customer)).status).toBe(403);
    expect(
      (
        await api('/api/settings/retention', customer, {
          method: 'PUT',
          body: JSON.stringify({ auditDays: 30, emailLogDays: 30, ipLogDays: 30 }),
        })
      ).status,
    ).toBe(403);
  });

  it('a save is stored, read back, and audited as setting.edit with the admin, console, client IP and correlation id', async () => {
    const res = await api('/api/settings/retention', admin, {
      method: 'PUT',
      headers: { 'x-correlation-id': 'corr-retention-e2e-1' },
      body: JSON.stringify({ auditDays: 400, emailLogDays: 30, ipLogDays: 60 }),
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ saved: true, auditDays: 400, emailLogDays: 30, ipLogDays: 60, updatedBy: `staff:${adminId}` });
    expect(await (await api('/api/settings/retention', admin)).json()).toMatchObject({
      saved: true,
      auditDays: 400,
      emailLogDays: 30,
      ipLogDays: 60,
    });

    const store = new EventStore(nats.js, nats.jsm, eventRegistry, nats.prefix);
    const deadline = Date.now() + 20_000;
    let entry: auditV1.AuditEntryRecorded | undefined;
    while (!entry && Date.now() < deadline) {
      entry = (await store.read({ context: 'audit', type: 'chain', id: 'main' }))
        .map((e) => e.data as auditV1.AuditEntryRecorded)
        .find((e) => e.action === 'setting.edit' && e.resourceId === 'retention');
      if (!entry) await sleep(100);
    }
    expect(entry).toMatchObject({
      actor: expect.objectContaining({ userId: adminId }),
      source: Source.CONSOLE,
      correlationId: 'corr-retention-e2e-1',
      clientIp: expect.stringMatching(/^(::ffff:)?127\.0\.0\.1$|^::1$/),
    });
    expect(entry!.diff.map((c) => [c.field, c.newValue])).toEqual([
      ['audit_days', '400'],
      ['email_log_days', '30'],
      ['ip_log_days', '60'],
    ]);
  });
});
