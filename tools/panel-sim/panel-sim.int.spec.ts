import { request } from 'node:https';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PanelSim } from './panel-sim';

const sim = new PanelSim({ token: 'good-token' });
let httpUrl: string;
let httpsUrl: string;
beforeAll(async () => {
  ({ httpUrl, httpsUrl } = await sim.start());
});
afterAll(() => sim.stop());

const call = (path: string, init: { method?: string; token?: string; body?: unknown } = {}) =>
  fetch(`${httpUrl}${path}`, {
    method: init.method ?? 'POST',
    headers: { authorization: `Bearer ${init.token ?? 'good-token'}`, 'content-type': 'application/json' },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
const account = (username: string, pkg = 'Business') => ({ domain: `${username}.example`, username, password: 'pw-123456', package: pkg });

describe('the panel simulator fails the way a panel does, from the data', () => {
  it('creates, suspends, unsuspends and terminates an account', async () => {
    expect((await call('/json-api/v1/accounts', { body: account('ada') })).status).toBe(201);
    expect(((await (await call('/json-api/v1/accounts/ada/suspend')).json()) as { account: { state: string } }).account.state).toBe(
      'suspended',
    );
    expect(((await (await call('/json-api/v1/accounts/ada/unsuspend')).json()) as { account: { state: string } }).account.state).toBe(
      'active',
    );
    expect((await call('/json-api/v1/accounts/ada', { method: 'DELETE' })).status).toBe(200);
    expect(sim.accounts.has('ada')).toBe(false);
  });

  it('a wrong token is 401', async () => {
    expect((await call('/json-api/v1/accounts', { token: 'stale', body: account('bob') })).status).toBe(401);
  });

  it('an existing username is 422 "account already exists"', async () => {
    await call('/json-api/v1/accounts', { body: account('lin') });
    const again = await call('/json-api/v1/accounts', { body: account('lin') });
    expect(again.status).toBe(422);
    expect(await again.json()).toMatchObject({ error: 'account already exists' });
  });

  it('package names are case-sensitive: "business" is not found', async () => {
    const res = await call('/json-api/v1/accounts', { body: account('kim', 'business') });
    expect(res.status).toBe(422);
    expect(await res.json()).toEqual({ error: 'Package not found: business' });
  });

  it('the HTTPS listener’s certificate is self-signed: verification fails unless turned off', async () => {
    const verified = await fetch(`${httpsUrl}/json-api/v1/accounts`, { method: 'POST' }).catch(
      (e: Error & { cause?: { code?: string } }) => e.cause?.code,
    );
    expect(verified).toMatch(/SELF_SIGNED|UNABLE_TO_VERIFY/);
    const unverified = await new Promise<number>((resolve, reject) => {
      const req = request(
        `${httpsUrl}/json-api/v1/accounts`,
        { method: 'POST', rejectUnauthorized: false, headers: { authorization: 'Bearer good-token' } },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on('error', reject);
      req.end(JSON.stringify(account('tls')));
    });
    expect(unverified).toBe(201);
  });

  it('a slow fault answers 504 after its delay; a drop closes the connection', async () => {
    await fetch(`${httpUrl}/_sim/faults`, { method: 'POST', body: JSON.stringify({ mode: 'slow', delayMs: 200, count: 1 }) });
    const slow = await call('/json-api/v1/accounts', { body: account('slow') });
    expect(slow.status).toBe(504);
    await fetch(`${httpUrl}/_sim/faults`, { method: 'POST', body: JSON.stringify({ mode: 'drop', count: 1 }) });
    await expect(call('/json-api/v1/accounts', { body: account('drop') })).rejects.toThrow();
    expect((await call('/json-api/v1/accounts', { body: account('after') })).status).toBe(201);
  });
});
