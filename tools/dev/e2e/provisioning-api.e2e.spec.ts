import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PANEL_SIM_TOKEN, startPlatform } from '../platform';
import { signIn } from '@opsledger/gateway/testing';

let platform: Awaited<ReturnType<typeof startPlatform>>;
let admin: string;
let customer: string;

beforeAll(async () => {
  platform = await startPlatform();
  admin = (await signIn(platform.url, platform.accounts.admin.email, platform.accounts.password)).cookie;
  customer = (await signIn(platform.url, platform.accounts.alice.email, platform.accounts.password)).cookie;
});
afterAll(() => platform?.stop());

const call = async (method: string, path: string, body?: unknown, cookie = admin) => {
  const res = await fetch(`${platform.url}${path}`, {
    method,
    headers: { cookie, 'x-requested-with': 'XMLHttpRequest', ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, text, json: text ? (JSON.parse(text) as any) : undefined };
};
const fault = (body: unknown) => fetch(`${platform.panelUrls.httpUrl}/_sim/faults`, { method: 'POST', body: JSON.stringify(body) });

type Entry = { id: string; dispatchId: string; attempt: number; status: string; diagnosis: { code: string } | null };
/** The service's log entries once there are at least `count`, newest first. */
async function entriesOf(serviceId: string, count: number): Promise<Entry[]> {
  const filter = encodeURIComponent(JSON.stringify({ serviceId }));
  for (let i = 0; i < 300; i++) {
    const { json } = await call('GET', `/api/provisioning-log?filter=${filter}`);
    if ((json as Entry[]).length >= count) return json as Entry[];
    await sleep(50);
  }
  throw new Error(`service ${serviceId} did not reach ${count} log entries`);
}
async function serviceWhenIdle(id: string) {
  for (let i = 0; i < 300; i++) {
    const { json } = await call('GET', `/api/services/${id}`);
    if (json?.lastOutcome && !json.runningAction) return json;
    await sleep(50);
  }
  throw new Error(`service ${id} did not settle`);
}

let panelServerId: string;
let n = 0;
async function newService() {
  const username = `acct${++n}${Date.now() % 10_000}`;
  const res = await call('POST', '/api/services', {
    domain: `${username}.example.com`,
    clientName: 'Ada Lovelace Ltd',
    username,
    package: 'Business',
    panelServerId,
  });
  expect(res.status).toBe(201);
  const id = res.json.id as string;
  // The read model follows the stream: wait until the service can be read back, as a user refreshing would.
  for (let i = 0; i < 300 && (await call('GET', `/api/services/${id}`)).status !== 200; i++) await sleep(50);
  return id;
}

describe('panel servers and services over HTTP', () => {
  it('registers a panel server whose token never comes back; bad input is a 400 naming the field', async () => {
    const bad = await call('POST', '/api/panel-servers', { name: 'x', apiUrl: 'ftp://panel', apiToken: 't', tlsVerify: 'yes' });
    expect(bad.status).toBe(400);
    expect(bad.json.violations.map((v: { field: string }) => v.field)).toEqual(['tlsVerify']);
    const badUrl = await call('POST', '/api/panel-servers', { name: 'x', apiUrl: 'ftp://panel', apiToken: 't' });
    expect(badUrl.status).toBe(400);
    expect(badUrl.json.violations.map((v: { field: string }) => v.field)).toEqual(['apiUrl']);
    // Secrets go in apiToken only (sealed); a URL is stored and shown as it is, and a token must fit in a header.
    const leaky = await call('POST', '/api/panel-servers', { name: 'x', apiUrl: 'https://root:pw@panel.example', apiToken: 'a\nb' });
    expect(leaky.status).toBe(400);
    expect(leaky.json.violations.map((v: { field: string }) => v.field)).toEqual(['apiUrl', 'apiToken']);
    expect(leaky.text).not.toContain('pw@');

    const created = await call('POST', '/api/panel-servers', {
      name: 'web-1',
      apiUrl: platform.panelUrls.httpUrl,
      apiToken: PANEL_SIM_TOKEN,
      timeoutMs: 5_000,
    });
    expect(created.status).toBe(201);
    expect(created.text).not.toContain(PANEL_SIM_TOKEN);
    panelServerId = created.json.id;
    let listed: { status: number; text: string; json: any } | undefined;
    for (let i = 0; i < 100 && !listed?.json?.length; i++, await sleep(50)) listed = await call('GET', '/api/panel-servers');
    expect(listed!.json).toEqual([expect.objectContaining({ id: panelServerId, name: 'web-1', tlsVerify: true, timeoutMs: 5_000 })]);
    expect(listed!.text).not.toContain(PANEL_SIM_TOKEN);
    expect(Object.keys(listed!.json[0])).not.toContain('apiToken');
  });

  it('a service with a wrong username or an unknown panel server is refused, naming the field', async () => {
    const base = { domain: 'shop.example.com', clientName: 'Ada', package: 'Business' };
    const badName = await call('POST', '/api/services', { ...base, username: 'Ada Lovelace', panelServerId });
    expect(badName.status).toBe(400);
    expect(badName.json.violations).toEqual([expect.objectContaining({ field: 'username' })]);
    const noPanel = await call('POST', '/api/services', { ...base, username: 'ada', panelServerId: 'nope' });
    expect(noPanel.status).toBe(400);
    expect(noPanel.json.violations).toEqual([expect.objectContaining({ field: 'panelServerId', rule: 'exists' })]);
    const badAction = await call('POST', `/api/services/whatever/actions`, { action: 'reboot' });
    expect(badAction.status).toBe(400);
    expect(badAction.json.violations).toEqual([expect.objectContaining({ field: 'action' })]);
    expect((await call('POST', '/api/services/no-such-service/actions', { action: 'create' })).status).toBe(404);
    expect((await call('GET', '/api/services/no-such-service')).status).toBe(404);
  });

  it('customers cannot reach services, panel servers or the log', async () => {
    for (const path of ['/api/services', '/api/panel-servers', '/api/provisioning-log'])
      expect((await call('GET', path, undefined, customer)).status).toBe(403);
    expect((await call('POST', '/api/services/x/actions', { action: 'create' }, customer)).status).toBe(403);
  });

  it('a create exhausted by three 504s leaves the service pending; re-triggering dispatches a fresh job whose attempt is a new row', async () => {
    const id = await newService();
    await fault({ mode: 'slow', delayMs: 50, count: 3 });
    expect((await call('POST', `/api/services/${id}/actions`, { action: 'create' })).status).toBe(202);
    const exhausted = await entriesOf(id, 3);
    expect(exhausted.map((e) => [e.attempt, e.status, e.diagnosis?.code])).toEqual([
      [3, 'failed', 'timeout'],
      [2, 'failed', 'timeout'],
      [1, 'failed', 'timeout'],
    ]);
    expect(await serviceWhenIdle(id)).toMatchObject({ state: 'pending', lastOutcome: 'failed', lastDiagnosis: 'timeout' });
    await sleep(1_000);
    expect(await entriesOf(id, 3)).toHaveLength(3); // nothing retried by itself

    // The fresh job first asks whether the failed one made the account after all (no), then creates it: two new rows.
    const again = await call('POST', `/api/services/${id}/actions`, { action: 'create' });
    expect(again.status).toBe(202);
    const after = await entriesOf(id, 5);
    expect(after.slice(0, 2)).toEqual([
      expect.objectContaining({ attempt: 1, status: 'success', dispatchId: again.json.dispatchId, diagnosis: null }),
      expect.objectContaining({ attempt: 1, status: 'success', dispatchId: again.json.dispatchId, diagnosis: null }),
    ]);
    const calls = await Promise.all(after.slice(0, 2).map(async (e) => (await call('GET', `/api/provisioning-log/${e.id}`)).json));
    expect(calls.map((c) => [c.request.method, c.response.status])).toEqual([
      ['POST', 201],
      ['GET', 404],
    ]);
    expect(new Set(after.map((e) => e.dispatchId)).size).toBe(2);
    expect(await serviceWhenIdle(id)).toMatchObject({ state: 'active', lastOutcome: 'succeeded' });
  });

  it('a second dispatch while one is running is refused with 409', async () => {
    const id = await newService();
    await fault({ mode: 'slow', delayMs: 2_000, count: 1 });
    expect((await call('POST', `/api/services/${id}/actions`, { action: 'create' })).status).toBe(202);
    const second = await call('POST', `/api/services/${id}/actions`, { action: 'create' });
    expect(second.status).toBe(409);
    expect(second.json.message).toBe('a create is already running for this service');
    const other = await call('POST', `/api/services/${id}/actions`, { action: 'terminate' });
    expect(other.status).toBe(409);
    expect(other.json.message).toBe('another action (create) is running for this service');
    expect(await serviceWhenIdle(id)).toMatchObject({ state: 'active', lastOutcome: 'succeeded' });
    const invalid = await call('POST', `/api/services/${id}/actions`, { action: 'unsuspend' });
    expect(invalid.status).toBe(409);
    expect(invalid.json.message).toBe('cannot unsuspend a service that is active');
  });

  it('a suspension tells the panel why: the operator’s reason, or who suspended it from where', async () => {
    const id = await newService();
    const username = (await call('GET', `/api/services/${id}`)).json.username as string;
    expect(username).toMatch(/^acct/);
    const panelState = { create: 'active', suspend: 'suspended', unsuspend: 'active' } as Record<string, string>;
    const idle = async (action: string, extra: object = {}) => {
      expect((await call('POST', `/api/services/${id}/actions`, { action, ...extra })).status).toBe(202);
      // Done when the panel holds the account in the action's state and the service has taken the outcome.
      for (let i = 0; i < 300 && platform.panelSim.accounts.get(username)?.state !== panelState[action]; i++) await sleep(50);
      for (let i = 0; i < 300 && (await call('GET', `/api/services/${id}`)).json.state !== panelState[action]; i++) await sleep(50);
      expect(await serviceWhenIdle(id)).toMatchObject({ lastOutcome: 'succeeded' });
    };
    await idle('create');
    await idle('suspend');
    expect(platform.panelSim.accounts.get(username)).toMatchObject({
      state: 'suspended',
      suspendReason: `suspended by ${platform.accounts.admin.email} (console)`,
    });
    await idle('unsuspend');
    await idle('suspend', { reason: 'unpaid invoice 42' });
    expect(platform.panelSim.accounts.get(username)).toMatchObject({ state: 'suspended', suspendReason: 'unpaid invoice 42' });
    const tooLong = await call('POST', `/api/services/${id}/actions`, { action: 'unsuspend', reason: 'x'.repeat(501) });
    expect(tooLong.status).toBe(400);
    expect(tooLong.json.violations).toEqual([expect.objectContaining({ field: 'reason' })]);
  });

  it('no secret in the log entry, the API or any process log: not the token, the password or the Authorization header', async () => {
    const id = await newService();
    // The first attempt meets a proxy error page that quotes the request: its Authorization header and its body.
    await fault({ mode: 'echo', status: 502, count: 1 });
    await call('POST', `/api/services/${id}/actions`, { action: 'create' });
    // Attempt 1 (the echo), then attempt 2: a lookup (did attempt 1 create it?) and the create.
    const details = await Promise.all((await entriesOf(id, 3)).map((e) => call('GET', `/api/provisioning-log/${e.id}`)));
    const detail = details.find((d) => d.json.attempt === 2 && d.json.request.method === 'POST')!;
    const echoedDetail = details.find((d) => d.json.attempt === 1)!;
    expect(echoedDetail.json).toMatchObject({ status: 'failed', request: { method: 'POST' }, response: { status: 502 } });
    expect(detail.json.request.headers.authorization).toBe('[redacted]');
    expect(detail.json.request.body.password).toBe('[redacted]');
    expect(echoedDetail.json.response.body).toMatch(/proxy debug page[\s\S]*/);
    expect(echoedDetail.json.response.body).toContain('authorization: Bearer [redacted]');
    const passwords = platform.panelSim.passwordsReceived;
    expect(passwords.length).toBeGreaterThan(1);
    const everything = [
      detail.text,
      echoedDetail.text,
      platform.processes.gateway!.log,
      platform.processes.provisioning!.log,
      (await call('GET', '/api/provisioning-log')).text,
    ].join('\n');
    expect(platform.processes.provisioning!.log.length).toBeGreaterThan(0);
    expect(everything).not.toContain(PANEL_SIM_TOKEN);
    for (const password of passwords) expect(everything).not.toContain(password);
  });
});
