// Email across the running platform (every service of the manifest as a process, the SES v2 simulator in this process):
// template saves refused with what and where, Reset to default, Send test through the real provider path, Settings →
// Email with a credential error shown at once and no secret anywhere, and the platform's own emails — a provisioning
// suspend clicked in the API produces an instance.suspended email in the click's correlation; a new customer a welcome.
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { eventRegistry } from '@opsledger/contracts';
import { EventStore } from '@opsledger/eventstore';
import { AccountEvents, createAccount } from '@opsledger/gateway/identity';
import { identityDb, signIn } from '@opsledger/gateway/testing';
import { createTestDatabase } from '@opsledger/testing';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PANEL_SIM_TOKEN, SES_SIM_CREDENTIALS, startPlatform } from '../platform';

let platform: Awaited<ReturnType<typeof startPlatform>>;
let admin: string;
let customer: string;
const started = Date.now();

beforeAll(async () => {
  platform = await startPlatform();
  console.log(`platform up in ${Date.now() - started} ms`);
  admin = (await signIn(platform.url, platform.accounts.admin.email, platform.accounts.password)).cookie;
  customer = (await signIn(platform.url, platform.accounts.alice.email, platform.accounts.password)).cookie;
});
afterAll(() => platform?.stop());

const call = async (method: string, path: string, body?: unknown, cookie = admin, headers: Record<string, string> = {}) => {
  const res = await fetch(`${platform.url}${path}`, {
    method,
    headers: {
      cookie,
      'x-requested-with': 'XMLHttpRequest',
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...headers,
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, text, json: text ? (JSON.parse(text) as any) : undefined };
};
async function until<T>(read: () => Promise<T>, ok: (value: T) => boolean, what: string, ms = 30_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await read();
    if (ok(value)) return value;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${ms} ms (last: ${JSON.stringify(value).slice(0, 500)})`);
    await sleep(100);
  }
}
const log = (filter: object) => call('GET', `/api/email-log?filter=${encodeURIComponent(JSON.stringify(filter))}`);
const received = async (to: string) => (await platform.sesSim.received()).filter((m) => m.destination.to.includes(to));

describe('templates over HTTP', () => {
  it('the shipped templates are there at version 1; a save with an unknown token or broken syntax is a 400 naming it and where', async () => {
    const { json: list } = await until(
      () => call('GET', '/api/email-templates'),
      (r) => r.json?.length >= 6,
      'shipped templates listed',
    );
    expect(list.map((t: any) => t.id)).toEqual(
      expect.arrayContaining(['billing.invoice', 'instance.suspended', 'login.new-location', 'task.failed', 'user.welcome']),
    );
    const { json: welcome } = await call('GET', '/api/email-templates/user.welcome');
    expect(welcome).toMatchObject({ version: 1, origin: 'default', resettable: true });

    const unknown = await call('PUT', '/api/email-templates/user.welcome', {
      subject: welcome.subject,
      html: '<p>Welcome {{ user.name }}</p>\n<p>Your password: {{ user.password }}</p>',
    });
    expect(unknown.status).toBe(400);
    expect(unknown.json.violations).toEqual([
      expect.objectContaining({
        field: 'html',
        rule: 'unknown_token',
        line: 2,
        column: 22,
        message: expect.stringContaining('"user.password"'),
      }),
    ]);
    const broken = await call('PUT', '/api/email-templates/user.welcome', { subject: 'Hi {{ user.name', html: welcome.html });
    expect(broken.status).toBe(400);
    expect(broken.json.violations).toEqual([expect.objectContaining({ field: 'subject', rule: 'syntax', line: 1 })]);
    expect((await call('GET', '/api/email-templates/user.welcome')).json.version).toBe(1);
  });

  it('an edit is version 2; Reset to default restores the shipped text as version 3; the history has all three', async () => {
    const { json: shipped } = await call('GET', '/api/email-templates/task.failed');
    const edited = await call('PUT', '/api/email-templates/task.failed', {
      subject: 'Task failed: {{ task.type }}',
      html: '<p>{{ user.name }}, {{ task.type }} failed: {{ task.error }}</p>',
      expectedVersion: 1,
    });
    expect(edited).toMatchObject({ status: 200, json: { version: 2 } });
    expect((await call('POST', '/api/email-templates/task.failed/reset')).json).toMatchObject({ version: 3 });
    const { json: reset } = await until(
      () => call('GET', '/api/email-templates/task.failed'),
      (r) => r.json.version === 3,
      'reset projected',
    );
    expect({ subject: reset.subject, html: reset.html }).toEqual({ subject: shipped.subject, html: shipped.html });
    const { json: versions } = await call('GET', '/api/email-templates/task.failed/versions');
    expect(versions.map((v: any) => [v.version, v.change])).toEqual([
      [3, 'reset'],
      [2, 'edited'],
      [1, 'registered'],
    ]);
    expect(versions[1].savedBy).toBe(`staff:${platform.accounts.admin.id}`);
  });

  it('Send test renders the saved version with its samples and delivers it to the signed-in admin; the log holds what was sent', async () => {
    const res = await call('POST', '/api/email-templates/billing.invoice/send-test');
    expect(res.json).toMatchObject({ status: 'sent', to: platform.accounts.admin.email, providerMessageId: expect.any(String) });
    const [mail] = (await received(platform.accounts.admin.email)).filter((m) => m.messageId === res.json.providerMessageId);
    expect(mail!.subject).toBe('Invoice INV-2026-0042: EUR 27.00 due 2026-12-08');
    const { json: entry } = await until(
      () => call('GET', `/api/email-log/${res.json.emailId}`),
      (r) => r.json?.status === 'sent',
      'test email in the log',
    );
    expect(entry).toMatchObject({ template: 'billing.invoice', templateVersion: 1, test: true, to: platform.accounts.admin.email });
    expect(entry.html).toBe(mail!.body.html);
    expect(entry.correlationId).toBe(res.headers.get('x-correlation-id'));
  });
});

describe('Settings → Email', () => {
  it('a wrong secret shows as a credential error on Send test email at once; fixed, it sends; no secret in any answer or log', async () => {
    const wrong = 'ses-wrong-secret-0042';
    const endpoint = platform.env.EMAIL_SES_ENDPOINT;
    const saved = await call('PUT', '/api/settings/email', {
      region: 'eu-west-1',
      endpoint,
      sender: 'alerts@opsledger.test',
      accessKeyId: SES_SIM_CREDENTIALS.accessKeyId,
      secretAccessKey: wrong,
    });
    expect(saved.json).toMatchObject({ saved: true, credentialsSet: true, accessKeyIdHint: SES_SIM_CREDENTIALS.accessKeyId.slice(-4) });
    const began = Date.now();
    const failed = await call('POST', '/api/settings/email/test');
    expect(failed.json).toMatchObject({ status: 'failed', providerCode: 'SignatureDoesNotMatch', responseCode: 403, permanent: true });
    expect(Date.now() - began).toBeLessThan(6_000);

    const fixed = await call('PUT', '/api/settings/email', {
      region: 'eu-west-1',
      endpoint,
      sender: 'alerts@opsledger.test',
      accessKeyId: SES_SIM_CREDENTIALS.accessKeyId,
      secretAccessKey: SES_SIM_CREDENTIALS.secretAccessKey,
    });
    expect(fixed.status).toBe(200);
    const ok = await call('POST', '/api/settings/email/test');
    expect(ok.json).toMatchObject({ status: 'sent' });
    expect((await received(platform.accounts.admin.email)).find((m) => m.messageId === ok.json.providerMessageId)?.from).toBe(
      'alerts@opsledger.test',
    );
    const { text: section } = await until(
      () => call('GET', '/api/settings/email'),
      (r) => r.json?.sender === 'alerts@opsledger.test',
      'settings projected',
    );
    const everything = [saved.text, failed.text, fixed.text, ok.text, section, ...Object.values(platform.processes).map((p) => p.log)].join(
      '\n',
    );
    expect(platform.processes.email!.log.length).toBeGreaterThan(0);
    for (const secret of [wrong, SES_SIM_CREDENTIALS.secretAccessKey]) expect(everything).not.toContain(secret);
  });

  it('a bad section is a 400 naming each field; customers are refused', async () => {
    const bad = await call('PUT', '/api/settings/email', { region: 'Mars', endpoint: 'ftp://x', sender: 'nobody' });
    expect(bad.status).toBe(400);
    expect(bad.json.violations.map((v: any) => v.field).sort()).toEqual(['endpoint', 'region', 'sender']);
    expect((await call('GET', '/api/settings/email', undefined, customer)).status).toBe(403);
    expect((await call('POST', '/api/settings/email/test', undefined, customer)).status).toBe(403);
  });
});

describe('the platform’s own emails', () => {
  it('a provisioning suspend clicked in the API sends instance.suspended to the client, in the click’s correlation id', async () => {
    const panel = await call('POST', '/api/panel-servers', {
      name: 'web-1',
      apiUrl: platform.panelUrls.httpUrl,
      apiToken: PANEL_SIM_TOKEN,
    });
    expect(panel.status).toBe(201);
    const bad = await call('POST', '/api/services', {
      domain: 'x.example.com',
      clientName: 'X',
      username: 'x',
      package: 'Business',
      panelServerId: panel.json.id,
      clientEmail: 'not an address',
    });
    expect(bad.status).toBe(400);
    expect(bad.json.violations).toEqual([expect.objectContaining({ field: 'clientEmail' })]);
    const service = await call('POST', '/api/services', {
      domain: 'ada.example.com',
      clientName: 'Ada Lovelace Ltd',
      username: 'ada',
      package: 'Business',
      panelServerId: panel.json.id,
      clientEmail: 'Billing@Ada.example.com',
    });
    expect(service.status).toBe(201);
    const id = service.json.id as string;
    await until(
      () => call('GET', `/api/services/${id}`),
      (r) => r.status === 200,
      'service projected',
    );
    expect((await call('POST', `/api/services/${id}/actions`, { action: 'create' })).status).toBe(202);
    await until(
      () => call('GET', `/api/services/${id}`),
      (r) => r.json.state === 'active',
      'service active',
    );

    const suspend = await call('POST', `/api/services/${id}/actions`, { action: 'suspend' }, admin, {
      'x-correlation-id': 'e2e-suspend-0001',
    });
    expect(suspend.status).toBe(202);
    expect(suspend.headers.get('x-correlation-id')).toBe('e2e-suspend-0001');
    const { json: entries } = await until(
      () => log({ correlationId: 'e2e-suspend-0001' }),
      (r) => r.json?.[0]?.status === 'sent',
      'instance.suspended sent',
    );
    expect(entries).toEqual([
      expect.objectContaining({
        template: 'instance.suspended',
        to: 'billing@ada.example.com',
        status: 'sent',
        correlationId: 'e2e-suspend-0001',
      }),
    ]);
    const { json: entry } = await call('GET', `/api/email-log/${entries[0].id}`);
    expect(entry.causedBy).toMatchObject({ eventType: 'platform.provisioning.v1.ActionSucceeded' });
    expect(entry.subject).toBe('Your hosting for ada.example.com is suspended');
    const [mail] = await received('billing@ada.example.com');
    expect(mail!.body.html).toBe(entry.html);
  });

  it('a customer account created through createAccount gets the welcome email', async () => {
    const pg = await createTestDatabase();
    const nc = await connect({ servers: platform.env.NATS_URL });
    try {
      const store = new EventStore(jetstream(nc), await jetstreamManager(nc), eventRegistry, platform.env.OPSLEDGER_PREFIX);
      await createAccount(
        await identityDb(pg, platform.env.OPSLEDGER_PREFIX),
        { email: 'grace@example.test', name: 'Grace Hopper', role: 'customer', password: 'correct-horse-battery' },
        new AccountEvents(store, { actor: { kind: 'system', id: 'e2e' }, source: 'cli' }),
      );
      const { json } = await until(
        () => log({ to: 'grace@example.test' }),
        (r) => r.json?.[0]?.status === 'sent',
        'welcome sent',
      );
      expect(json[0]).toMatchObject({ template: 'user.welcome', subject: 'Welcome to Ops Ledger, Grace Hopper' });
    } finally {
      await nc.close();
      await pg.dispose();
    }
  });
});
