// The email read side on its own: email and settings events appended as the email service appends them, read back
// through the gateway's API — templates with their versions, the Email Log with its filters, CSV and one entry with
// the body as sent, Settings → Email without its credentials. The commands behind these pages are tested against the
// running service in tools/dev/e2e/email.e2e.spec.ts.
import { create, type DescMessage, type MessageInitShape } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { type AggregateRef, emailV1, eventRegistry, settingsV1 } from '@opsledger/contracts';
import { type AppendContext, EventStore } from '@opsledger/eventstore';
import { createTestDatabase, createTestNats, type TestDatabase, type TestNats } from '@opsledger/testing';
import { setTimeout as sleep } from 'node:timers/promises';
import { v7 as uuidv7 } from 'uuid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dropContextSchemas, identityDb, seedAccounts, signIn, startTestGateway } from '../test-support/test-gateway';

let pg: TestDatabase;
let nats: TestNats;
let store: EventStore;
let gateway: Awaited<ReturnType<typeof startTestGateway>>;
let admin = '';
let customer = '';

beforeAll(async () => {
  pg = await createTestDatabase();
  nats = await createTestNats();
  store = new EventStore(nats.js, nats.jsm, eventRegistry, nats.prefix);
  gateway = await startTestGateway(pg, nats);
  const accounts = await seedAccounts(await identityDb(pg, nats.prefix));
  admin = (await signIn(gateway.url, accounts.admin.email, accounts.password)).cookie;
  customer = (await signIn(gateway.url, accounts.alice.email, accounts.password)).cookie;
});
afterAll(async () => {
  await gateway?.close();
  await dropContextSchemas(pg, nats.prefix);
  await nats?.dispose();
  await pg?.dispose();
});

const worker: AppendContext = { actor: { kind: 'system', id: 'email-worker' }, source: 'system' };
async function append<D extends DescMessage>(
  ref: AggregateRef,
  schema: D,
  data: MessageInitShape<D>,
  ctx: AppendContext = worker,
  at = new Date(),
) {
  const version = (await store.read(ref)).at(-1)?.streamSeq ?? 0;
  await store.append(ref, [{ id: uuidv7(), data: create(schema, data), occurredAt: at }], version, ctx);
}
const template = (name: string) => ({ context: 'email' as const, type: 'template', id: name.replaceAll('.', '_') });
const email = (id: string) => ({ context: 'email' as const, type: 'email', id });
const ts = (d: Date) => timestampFromDate(d);
const tokens = [{ path: 'user.name', description: 'the customer', sampleJson: '"Ada"' }];

const get = async (path: string, cookie = admin) => {
  const res = await fetch(`${gateway.url}${path}`, { headers: { cookie } });
  const text = await res.text();
  return {
    status: res.status,
    headers: res.headers,
    text,
    body: (text.startsWith('[') || text.startsWith('{') ? JSON.parse(text) : text) as any,
  };
};
const send = async (method: string, path: string, body: unknown, cookie = admin) => {
  const res = await fetch(`${gateway.url}${path}`, {
    method,
    headers: { cookie, 'content-type': 'application/json', 'x-requested-with': 'XMLHttpRequest' },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json().catch(() => null)) as any };
};
async function until<T>(read: () => Promise<T>, ok: (value: T) => boolean, ms = 15_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await read();
    if (ok(value) || Date.now() > deadline) return value;
    await sleep(50);
  }
}
const filter = (f: object) => `filter=${encodeURIComponent(JSON.stringify(f))}`;

describe('email templates', () => {
  it('lists each template at its current version, shows one with its body and tokens, and lists its versions', async () => {
    await append(template('user.welcome'), emailV1.DefaultTemplateRegisteredSchema, {
      name: 'user.welcome',
      description: 'Sent to a new customer',
      content: { subject: 'Welcome {{ user.name }}', html: '<p>Hi {{ user.name }}</p>', tokens },
      version: 1,
      at: ts(new Date(Date.UTC(2026, 10, 20))),
    });
    await append(
      template('user.welcome'),
      emailV1.TemplateEditedSchema,
      {
        name: 'user.welcome',
        content: { subject: 'Welcome, {{ user.name }}!', html: '<p>Hello {{ user.name }}</p>', tokens },
        version: 2,
        at: ts(new Date()),
      },
      { actor: { kind: 'staff', id: 'admin-1' }, source: 'console' },
    );
    await append(template('promo.autumn'), emailV1.TemplateCreatedSchema, {
      name: 'promo.autumn',
      description: 'An offer',
      content: { subject: 'Offer', html: '<p>Offer</p>', tokens: [] },
      version: 1,
    });
    const { body: list } = await until(
      () => get('/api/email-templates'),
      (r) => r.body.length === 2 && r.body.some((t: any) => t.version === 2),
    );
    expect(list).toEqual([
      expect.objectContaining({ id: 'promo.autumn', origin: 'custom', version: 1 }),
      expect.objectContaining({
        id: 'user.welcome',
        origin: 'default',
        version: 2,
        subject: 'Welcome, {{ user.name }}!',
        updatedBy: 'staff:admin-1',
      }),
    ]);
    expect(list[0]).not.toHaveProperty('html');
    expect((await get(`/api/email-templates?${filter({ origin: 'custom' })}`)).body.map((t: any) => t.id)).toEqual(['promo.autumn']);

    const { body: one } = await get('/api/email-templates/user.welcome');
    expect(one).toMatchObject({ id: 'user.welcome', html: '<p>Hello {{ user.name }}</p>', tokens, resettable: true });
    const { body: versions } = await get('/api/email-templates/user.welcome/versions');
    expect(versions.map((v: any) => [v.version, v.change, v.savedBy])).toEqual([
      [2, 'edited', 'staff:admin-1'],
      [1, 'registered', 'system:email-worker'],
    ]);
    expect((await get('/api/email-templates/no.such')).status).toBe(404);
    expect((await get('/api/email-templates/no.such/versions')).status).toBe(404);
  });

  it('checks bodies at the door: each wrong field is a 400 naming it', async () => {
    const bad = await send('PUT', '/api/email-templates/user.welcome', { subject: 42, tokens: 'x' });
    expect(bad.status).toBe(400);
    expect(bad.body.violations.map((v: any) => v.field).sort()).toEqual(['html', 'subject', 'tokens']);
    const preview = await send('POST', '/api/email-templates/user.welcome/preview', { data: ['not', 'an', 'object'] });
    expect(preview.status).toBe(400);
    expect(preview.body.violations).toEqual([expect.objectContaining({ field: 'data' })]);
    expect((await send('POST', '/api/email-templates', { name: 'x', subject: 's' })).status).toBe(400);
  });
});

describe('the Email Log', () => {
  const queue = async (id: string, to: string, tpl: string, at: Date, correlationId = `corr-${id}`) =>
    append(
      email(id),
      emailV1.EmailQueuedSchema,
      {
        emailId: id,
        template: tpl,
        templateVersion: 2,
        to,
        subject: `Subject of ${id}`,
        html: `<p>Body of ${id} <script>window.pwned = 1</script></p>`,
        correlationId,
        causedByEventType: 'platform.provisioning.v1.ActionSucceeded',
        causedByEventId: `ev-${id}`,
        queuedAt: ts(at),
      },
      { ...worker, correlationId },
      at,
    );

  it('lists newest first with status, filters by recipient, template, status and time, and shows the body exactly as sent', async () => {
    const base = Date.UTC(2026, 10, 21, 8);
    await queue('m1', 'ada@example.test', 'user.welcome', new Date(base));
    await append(email('m1'), emailV1.EmailSentSchema, {
      emailId: 'm1',
      providerMessageId: 'ses-1',
      responseCode: 200,
      attempts: 1,
      from: 'ops@x.test',
    });
    await queue('m2', 'lin@example.test', 'instance.suspended', new Date(base + 60_000));
    await append(email('m2'), emailV1.EmailAttemptFailedSchema, {
      emailId: 'm2',
      attempt: 1,
      providerCode: 'TooManyRequestsException',
      providerMessage: 'Maximum sending rate exceeded.',
      responseCode: 429,
    });
    await append(email('m2'), emailV1.EmailFailedSchema, {
      emailId: 'm2',
      providerCode: 'MessageRejected',
      providerMessage: 'Email address is not verified.',
      responseCode: 400,
      permanent: true,
      attempts: 2,
    });
    await queue('m3', 'ada@example.test', 'task.failed', new Date(base + 120_000));

    const { body: rows } = await until(
      () => get('/api/email-log'),
      (r) => r.body.length === 3 && r.body.some((e: any) => e.status === 'failed'),
    );
    expect(rows.map((e: any) => [e.id, e.status, e.attempts])).toEqual([
      ['m3', 'queued', 0],
      ['m2', 'failed', 2],
      ['m1', 'sent', 1],
    ]);
    const ids = async (f: object) => (await get(`/api/email-log?${filter(f)}`)).body.map((e: any) => e.id);
    expect(await ids({ to: 'ADA@example.test' })).toEqual(['m3', 'm1']);
    expect(await ids({ template: 'instance.suspended' })).toEqual(['m2']);
    expect(await ids({ status: 'failed' })).toEqual(['m2']);
    expect(await ids({ status: 'queued' })).toEqual(['m3']);
    expect(
      await ids({ createdAt_gte: new Date(base + 30_000).toISOString(), createdAt_lte: new Date(base + 90_000).toISOString() }),
    ).toEqual(['m2']);
    expect(await ids({ correlationId: 'corr-m1' })).toEqual(['m1']);

    const { body: failed } = await get('/api/email-log/m2');
    expect(failed).toMatchObject({
      template: 'instance.suspended',
      templateVersion: 2,
      html: '<p>Body of m2 <script>window.pwned = 1</script></p>',
      providerCode: 'MessageRejected',
      providerMessage: 'Email address is not verified.',
      responseCode: 400,
      permanent: true,
      correlationId: 'corr-m2',
      causedBy: { eventType: 'platform.provisioning.v1.ActionSucceeded', eventId: 'ev-m2' },
      failedAttempts: [expect.objectContaining({ attempt: 1, providerCode: 'TooManyRequestsException', responseCode: 429 })],
    });
    expect((await get('/api/email-log/m1')).body).toMatchObject({ status: 'sent', providerMessageId: 'ses-1', from: 'ops@x.test' });
    expect((await get('/api/email-log/nope')).status).toBe(404);
  });

  it('exports the filtered list as CSV', async () => {
    const csv = await get(`/api/email-log?format=csv&${filter({ to: 'ada@example.test' })}`);
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    const lines = csv.text.trim().split('\n');
    expect(lines[0]).toBe(
      'id,created_at,to,template,template_version,subject,status,attempts,provider_code,response_code,provider_message_id,correlation_id,finished_at',
    );
    expect(lines.slice(1).map((l: string) => l.split(',')[0])).toEqual(['m3', 'm1']);
  });

  it.each([
    ['an unknown status', { status: 'bounced' }, 'filter.status'],
    ['a recipient that is not an address', { to: 'ada' }, 'filter.to'],
    ['a bad time', { createdAt_gte: 'yesterday' }, 'filter.createdAt_gte'],
  ])('%s is a 400 naming it', async (_name, f, field) => {
    const res = await get(`/api/email-log?${filter(f)}`);
    expect(res.status).toBe(400);
    expect(res.body.violations.map((v: any) => v.field)).toContain(field);
  });
});

describe('Settings → Email', () => {
  it('says only whether credentials are set, never the sealed value; unsaved, it says so', async () => {
    expect((await get('/api/settings/email')).body).toMatchObject({ saved: false, credentialsSet: false });
    const ciphertext = 'v1.c2VhbGVk.bm9ub25jZQ.dGFn';
    await append(
      { context: 'settings', type: 'section', id: 'email' },
      settingsV1.EmailSettingsChangedSchema,
      {
        region: 'eu-west-1',
        endpoint: '',
        sender: 'ops@example.test',
        credentialsCiphertext: ciphertext,
        accessKeyIdHint: 'WXYZ',
        credentialsChanged: true,
      },
      { actor: { kind: 'staff', id: 'admin-1' }, source: 'console' },
    );
    const { body, text } = await until(
      () => get('/api/settings/email'),
      (r) => r.body.saved === true,
    );
    expect(body).toMatchObject({
      saved: true,
      region: 'eu-west-1',
      sender: 'ops@example.test',
      credentialsSet: true,
      accessKeyIdHint: 'WXYZ',
      updatedBy: 'staff:admin-1',
    });
    expect(text).not.toContain(ciphertext);
    expect(Object.keys(body)).not.toContain('secretAccessKey');
  });

  it('a section body of the wrong types is a 400 naming each field', async () => {
    const res = await send('PUT', '/api/settings/email', { region: 1, sender: null, secretAccessKey: {} });
    expect(res.status).toBe(400);
    expect(res.body.violations.map((v: any) => v.field).sort()).toEqual(['region', 'secretAccessKey', 'sender']);
  });
});

it('customers are refused every email route', async () => {
  for (const path of [
    '/api/email-templates',
    '/api/email-templates/user.welcome',
    '/api/email-log',
    '/api/email-log/m1',
    '/api/settings/email',
  ])
    expect((await get(path, customer)).status).toBe(403);
  expect((await send('POST', '/api/email-templates/user.welcome/send-test', {}, customer)).status).toBe(403);
  expect((await send('PUT', '/api/settings/email', {}, customer)).status).toBe(403);
});
