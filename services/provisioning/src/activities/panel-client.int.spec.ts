import { PanelSim } from '@opsledger/panel-sim';
import { freePort } from '@opsledger/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callPanel, type PanelServer } from './panel-client';

const TOKEN = 'panel-token-s3cr3t';
const sim = new PanelSim({ token: TOKEN });
let server: PanelServer;
let https: PanelServer;
beforeAll(async () => {
  const { httpUrl, httpsUrl } = await sim.start();
  server = { apiUrl: httpUrl, apiToken: TOKEN, tlsVerify: true, timeoutMs: 2_000 };
  https = { ...server, apiUrl: httpsUrl };
});
afterAll(() => sim.stop());

const create = (username: string, pkg = 'Business') => ({
  method: 'POST' as const,
  path: '/json-api/v1/accounts',
  body: { domain: `${username}.example`, username, password: 'account-pa55word', package: pkg },
});

describe('one call to the panel, as the provisioning log keeps it', () => {
  it('a success: the request and response are kept, the token and password are not', async () => {
    const exchange = await callPanel(server, create('ada'));
    expect(exchange).toMatchObject({ ok: true, diagnosis: undefined, response: { status: 201 } });
    expect(exchange.request.headers.authorization).toBe('[redacted]');
    expect(exchange.request.body).toMatchObject({ username: 'ada', password: '[redacted]' });
    expect(JSON.stringify(exchange)).not.toMatch(/panel-token-s3cr3t|account-pa55word/);
  });

  it.each<[string, () => Promise<Parameters<typeof callPanel>>, string, boolean]>([
    [
      'connection refused (wrong api_url)',
      async () => [{ ...server, apiUrl: `http://127.0.0.1:${await freePort()}` }, create('x1')],
      'unreachable',
      true,
    ],
    ['wrong token', async () => [{ ...server, apiToken: 'stale' }, create('x2')], 'bad_token', false],
    ['username exists', async () => [server, create('ada')], 'account_exists', false],
    ['package name mismatch', async () => [server, create('x3', 'business')], 'package_not_found', false],
    ['self-signed certificate, verification on', async () => [https, create('x4')], 'tls_untrusted', false],
  ])('%s → %s', async (_name, args, code, retryable) => {
    const exchange = await callPanel(...(await args()));
    expect(exchange.ok).toBe(false);
    expect(exchange.diagnosis).toMatchObject({ code, retryable });
    expect(JSON.stringify(exchange)).not.toContain(TOKEN);
  });

  it('a panel on a port browsers block (fetch refuses 6000, 6665-6669, 10080…) is reached like any other', async () => {
    // The client is a server talking to a URL an admin registered, not a browser: the "bad port" rule does not apply.
    let blocked: PanelSim | undefined;
    let url = '';
    for (const port of [6000, 6665, 6666, 6667, 6668, 6669, 6697, 10080, 4045, 6566]) {
      const candidate = new PanelSim({ token: TOKEN, httpPort: port, httpsPort: 0 });
      try {
        url = (await candidate.start()).httpUrl;
        blocked = candidate;
        break;
      } catch {
        await candidate.stop().catch(() => undefined);
      }
    }
    expect(blocked, 'no port of the blocked list is free here').toBeDefined();
    try {
      const exchange = await callPanel({ ...server, apiUrl: url }, create('on-a-bad-port'));
      expect(exchange, JSON.stringify(exchange.response)).toMatchObject({ ok: true, response: { status: 201 } });
    } finally {
      await blocked!.stop();
    }
  });

  it('504 from a slow panel is a retryable timeout; verification off reaches the HTTPS panel', async () => {
    await fetch(`${server.apiUrl}/_sim/faults`, { method: 'POST', body: JSON.stringify({ mode: 'slow', delayMs: 100, count: 1 }) });
    expect((await callPanel(server, create('slow'))).diagnosis).toMatchObject({ code: 'timeout', retryable: true });
    expect((await callPanel({ ...https, tlsVerify: false }, create('tls-off'))).ok).toBe(true);
  });
});
