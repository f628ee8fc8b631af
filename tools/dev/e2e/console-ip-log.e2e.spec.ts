// The IP Log in headless Chromium: sign-ins through the API with X-Forwarded-For from a trusted proxy (and failures
// from another address), the list with country and network, the failed-only quick filter, an entry with its proxy
// chain, and Settings → Security. The gateway serves the built console; the logins service runs as its own process
// (services.manifest.json's entry). Screenshots go to artifacts/screenshots/.
import { dropContextSchemas, identityDb, seedAccounts, signIn, startTestGateway } from '@opsledger/gateway/testing';
import {
  createTestDatabase,
  createTestNats,
  freePort,
  repoRoot,
  ServiceProcess,
  type TestDatabase,
  type TestNats,
  testEnv,
} from '@opsledger/testing';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';

const SHOTS = join(repoRoot, 'artifacts', 'screenshots');

let pg: TestDatabase;
let nats: TestNats;
let gateway: Awaited<ReturnType<typeof startTestGateway>>;
let logins: ServiceProcess;
let accounts: Awaited<ReturnType<typeof seedAccounts>>;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  if (!existsSync(join(repoRoot, 'apps/console/dist/index.html')))
    throw new Error('build the console first: npm run build -w @opsledger/console');
  mkdirSync(SHOTS, { recursive: true });
  pg = await createTestDatabase();
  nats = await createTestNats();
  const port = await freePort();
  logins = ServiceProcess.start('logins', 'services/logins/src/main.ts', {
    DATABASE_URL: testEnv.databaseUrl,
    NATS_URL: nats.url,
    OPSLEDGER_PREFIX: nats.prefix,
    LOGINS_PORT: String(port),
  });
  gateway = await startTestGateway(pg, nats, { COOKIE_SECURE: 'false', CONSOLE_DIST: join(repoRoot, 'apps/console/dist') });
  await logins.waitReady(`http://127.0.0.1:${port}/readyz`, 150_000);
  accounts = await seedAccounts(await identityDb(pg, nats.prefix));
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'],
  });
}, 180_000);
afterAll(async () => {
  await browser?.close();
  await logins?.stop();
  await gateway?.close();
  if (nats) await dropContextSchemas(pg, nats.prefix);
  await nats?.dispose();
  await pg?.dispose();
});

const firefox = 'Mozilla/5.0 (X11; Linux x86_64; rv:145.0) Gecko/20100101 Firefox/145.0';

it('an operator finds the failed sign-ins, their country and network, and the proxy chain of one', async () => {
  // The proxy in front (10.0.0.7) is trusted, as is the local hop to the gateway (loopback).
  const admin = (await signIn(gateway.url, accounts.admin.email, accounts.password)).cookie;
  const saved = await fetch(`${gateway.url}/api/settings/security`, {
    method: 'PUT',
    headers: { cookie: admin, 'content-type': 'application/json', 'x-requested-with': 'XMLHttpRequest' },
    body: JSON.stringify({
      trustedProxies: ['loopback', '10.0.0.0/8'],
      notifications: { newLocation: true, sessionExpired: false },
      bruteForce: { threshold: 10, windowSeconds: 600, coolDownSeconds: 900 },
    }),
  });
  expect(saved.status).toBe(200);
  // Through the API, as a client behind that proxy: the client's address is recorded, with the chain.
  const via = (chain: string, password = accounts.password, email = accounts.admin.email) =>
    signIn(gateway.url, email, password, { 'x-forwarded-for': chain, 'user-agent': firefox });
  expect((await via('193.99.144.80, 10.0.0.7')).res.status).toBe(200);
  for (let i = 0; i < 2; i++) expect((await via('8.8.8.8, 10.0.0.7', 'wrong-password')).res.status).toBe(401);
  expect((await via('192.168.1.50')).res.status).toBe(200);

  page = await browser.newPage({ viewport: { width: 1500, height: 1100 }, timezoneId: 'Europe/Berlin' });
  await page.goto(gateway.url);
  await page.locator('input[name="username"]').fill(accounts.admin.email);
  await page.locator('input[name="password"]').fill(accounts.password);
  await page.getByRole('button', { name: /sign in/i }).click();

  await page.getByRole('menuitem', { name: 'IP Log' }).click();
  const rows = page.locator('tbody tr.RaDatagrid-row');
  await expect.poll(() => rows.count(), { timeout: 30_000 }).toBeGreaterThanOrEqual(5);
  // Every row located by the logins service (country and network, or the kind of address).
  await expect.poll(() => page.getByText('locating…').count(), { timeout: 30_000 }).toBe(0);
  await page.reload();
  await expect.poll(() => page.locator('tbody').innerText(), { timeout: 15_000 }).toContain('AS15169 Google LLC');
  expect(await page.locator('tbody').innerText()).toContain('Firefox 145 on Linux');
  expect(await page.locator('tbody').innerText()).toContain('private');
  await expect.poll(() => page.getByTestId('ip-log-last-hour').innerText()).toContain('Failures by address');
  await page.screenshot({ path: join(SHOTS, 'ip-log-list.png'), fullPage: true });

  await page.getByTestId('ip-log-failed-only').click();
  await expect.poll(() => rows.count(), { timeout: 15_000 }).toBe(2);
  expect(await page.locator('tbody').innerText()).not.toContain('succeeded');
  expect(page.url()).toContain('failedOnly');
  await page.screenshot({ path: join(SHOTS, 'ip-log-failed-only.png'), fullPage: true });

  await rows.first().click();
  const chain = page.getByTestId('ip-log-chain');
  await expect.poll(() => chain.innerText(), { timeout: 15_000 }).toContain('8.8.8.8');
  const text = await chain.innerText();
  expect(text).toMatch(/8\.8\.8\.8\s+X-Forwarded-For\s+no\s+✔ client address/);
  expect(text).toMatch(/10\.0\.0\.7\s+X-Forwarded-For\s+yes/);
  expect(text).toMatch(/127\.0\.0\.1\s+peer/);
  expect(await page.locator('main').innerText()).toContain(firefox);
  await page.screenshot({ path: join(SHOTS, 'ip-log-entry-chain.png'), fullPage: true });

  await page.getByRole('menuitem', { name: 'Settings' }).click();
  await expect.poll(() => page.getByTestId('security-proxies').inputValue(), { timeout: 15_000 }).toBe('loopback\n10.0.0.0/8');
  await page.getByTestId('security-proxies').fill('loopback\n10.0.0.0/8\n10.0.0.300');
  await page.getByTestId('security-save').click();
  await expect.poll(() => page.getByTestId('security-settings').innerText(), { timeout: 10_000 }).toContain('line 3');
  await page.getByTestId('security-proxies').fill('loopback\n10.0.0.0/8\n192.0.2.10');
  await page.getByTestId('security-save').click();
  await expect.poll(() => page.locator('body').innerText(), { timeout: 10_000 }).toContain('Security settings saved');
  await page.getByTestId('security-settings').scrollIntoViewIfNeeded();
  await page.screenshot({ path: join(SHOTS, 'settings-security.png'), fullPage: true });
}, 180_000);
