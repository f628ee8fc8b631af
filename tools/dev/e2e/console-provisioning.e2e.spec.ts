// The Provisioning Log and Service pages in headless Chromium against the real
// gateway, provisioning service and panel simulator. Screenshots go to artifacts/screenshots/.
import { PANEL_SIM_TOKEN, startPlatform } from '../platform';
import { signIn } from '@opsledger/gateway/testing';
import { repoRoot } from '@opsledger/testing';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';

const SHOTS = join(repoRoot, 'artifacts', 'screenshots');

let platform: Awaited<ReturnType<typeof startPlatform>>;
let browser: Browser;
let cookie: string;

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  platform = await startPlatform({ env: { gateway: { COOKIE_SECURE: 'false', CONSOLE_DIST: join(repoRoot, 'apps/console/dist') } } });
  cookie = (await signIn(platform.url, platform.accounts.admin.email, platform.accounts.password)).cookie;
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'],
  });
});
afterAll(async () => {
  await browser?.close();
  await platform?.stop();
});

async function post(path: string, body: unknown) {
  const res = await fetch(`${platform.url}${path}`, {
    method: 'POST',
    headers: { cookie, 'content-type': 'application/json', 'x-requested-with': 'XMLHttpRequest' },
    body: JSON.stringify(body),
  });
  expect(res.status, await res.clone().text()).toBeLessThan(300);
  return (await res.json()) as { id: string };
}
async function logCount(serviceId: string) {
  const filter = encodeURIComponent(JSON.stringify({ serviceId }));
  return ((await (await fetch(`${platform.url}/api/provisioning-log?filter=${filter}`, { headers: { cookie } })).json()) as unknown[])
    .length;
}

it('an operator opens a failed entry and sees its payloads and diagnosis; the Service page re-triggers the action live', async () => {
  const good = await post('/api/panel-servers', { name: 'web-1', apiUrl: platform.panelUrls.httpUrl, apiToken: PANEL_SIM_TOKEN });
  const stale = await post('/api/panel-servers', { name: 'web-2', apiUrl: platform.panelUrls.httpUrl, apiToken: 'revoked-token' });
  const account = { clientName: 'Ada Lovelace Ltd', package: 'Business' };
  const ok = await post('/api/services', { ...account, domain: 'ada.example.com', username: 'ada', panelServerId: good.id });
  const broken = await post('/api/services', { ...account, domain: 'babbage.example.com', username: 'babbage', panelServerId: stale.id });
  await post(`/api/services/${ok.id}/actions`, { action: 'create' });
  await post(`/api/services/${broken.id}/actions`, { action: 'create' });
  for (let i = 0; i < 200 && ((await logCount(ok.id)) < 1 || (await logCount(broken.id)) < 1); i++) await sleep(50);

  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 }, timezoneId: 'Europe/Berlin' });
  // Data rows only: an expanded row adds a row of its own (and react-admin remembers which are open).
  const rows = () => page.locator('tbody tr.RaDatagrid-row');
  await page.goto(platform.url);
  await page.locator('input[name="username"]').fill(platform.accounts.admin.email);
  await page.locator('input[name="password"]').fill(platform.accounts.password);
  await page.getByRole('button', { name: /sign in/i }).click();
  await page.getByRole('menuitem', { name: 'Provisioning Log' }).click();
  await expect.poll(() => rows().count(), { timeout: 20_000 }).toBe(2);
  await page.screenshot({ path: join(SHOTS, 'provisioning-log.png') });

  // The failed entry, found through the filter bar's status (kept in the URL).
  await page.goto(`${platform.url}/#/provisioning-log?filter=${encodeURIComponent(JSON.stringify({ status: 'failed' }))}`);
  await expect.poll(() => rows().count(), { timeout: 10_000 }).toBe(1);
  await page.getByText('babbage.example.com').click();
  const diagnosis = page.getByTestId('diagnosis');
  await expect.poll(() => diagnosis.isVisible(), { timeout: 10_000 }).toBe(true);
  expect(await diagnosis.innerText()).toMatch(/Likely cause: the panel refused the API token \(401\)[\s\S]*Fix: /);
  const request = await page.getByTestId('payload-request').innerText();
  expect(request).toContain('"authorization": "[redacted]"');
  expect(request).toContain('"password": "[redacted]"');
  expect(request).not.toContain('revoked-token');
  expect(await page.getByTestId('payload-response').innerText()).toContain('"status": 401');
  await page.screenshot({ path: join(SHOTS, 'provisioning-log-failed-entry.png'), fullPage: true });

  // The Service page: four action buttons, only those that fit its state enabled; a re-trigger adds a row live.
  await page.goto(`${platform.url}/#/services/${broken.id}/show`);
  await expect.poll(() => page.getByTestId('service-state').innerText(), { timeout: 10_000 }).toBe('pending');
  for (const action of ['create', 'suspend', 'unsuspend', 'terminate'])
    expect(await page.getByRole('button', { name: action, exact: true }).isEnabled()).toBe(action === 'create');
  await expect.poll(() => rows().count(), { timeout: 10_000 }).toBe(1);
  await page.getByRole('button', { name: 'create', exact: true }).click();
  await expect.poll(() => rows().count(), { timeout: 20_000 }).toBe(2);
  await page.screenshot({ path: join(SHOTS, 'service-page.png'), fullPage: true });
  await page.close();
});
