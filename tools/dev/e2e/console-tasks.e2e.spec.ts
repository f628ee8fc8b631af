// The console in headless Chromium (Debian's package, driven by playwright-core)
// against the real gateway and tasks service. Screenshots go to artifacts/screenshots/.
import { startPlatform } from '../platform';
import { repoRoot } from '@opsledger/testing';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const SHOTS = join(repoRoot, 'artifacts', 'screenshots');
const UNAVAILABLE_PAGES: string[] = [];
const ADMIN_PAGES = [
  ...UNAVAILABLE_PAGES,
  'IP Log',
  'Audit Log',
  'Email Templates',
  'Email Log',
  'Scheduler',
  'Provisioning Log',
  'Services',
  'Panel Servers',
];

let platform: Awaited<ReturnType<typeof startPlatform>>;
let browser: Browser;
let url: string;
let accounts: Awaited<ReturnType<typeof startPlatform>>['accounts'];
let sim: Awaited<ReturnType<typeof startPlatform>>['sim'];

beforeAll(async () => {
  if (!existsSync(join(repoRoot, 'apps/console/dist/index.html')))
    throw new Error('build the console first: npm run build -w @opsledger/console');
  mkdirSync(SHOTS, { recursive: true });
  platform = await startPlatform({ env: { gateway: { COOKIE_SECURE: 'false', CONSOLE_DIST: join(repoRoot, 'apps/console/dist') } } });
  ({ url, accounts, sim } = platform);
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
      '--disable-sync',
    ],
  });
});
afterAll(async () => {
  await browser?.close();
  await platform?.stop();
});

async function createTask(cookie: string, userId: string, type = 'instance.deploy', hypervisorId = 'hv-fra-1') {
  const res = await fetch(`${url}/api/tasks`, {
    method: 'POST',
    headers: { cookie, 'content-type': 'application/json', 'x-requested-with': 'XMLHttpRequest' },
    body: JSON.stringify({
      type,
      target: { userId, hypervisorId, instanceId: `vm-${Math.random().toString(36).slice(2, 8)}` },
    }),
  });
  expect(res.status).toBe(201);
  return ((await res.json()) as { id: string }).id;
}

async function signInAs(page: Page, email: string) {
  await page.goto(url);
  await page.locator('input[name="username"]').fill(email);
  await page.locator('input[name="password"]').fill(accounts.password);
  await page.getByRole('button', { name: /sign in/i }).click();
}

const menu = (page: Page) => page.locator('.RaSidebar-fixed, .RaMenu-open, [class*="RaMenu"]').first();

it('admin opens every page, sees live updates, signs out; a customer sees only their tasks and no admin page', async () => {
  const apiLogin = await fetch(`${url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: accounts.admin.email, password: accounts.password }),
  });
  const adminCookie = apiLogin.headers.get('set-cookie')!.split(';')[0]!;
  await createTask(adminCookie, accounts.alice.id, 'instance.backup');
  await createTask(adminCookie, accounts.bob.id, 'instance.snapshot');

  const page = await browser.newPage({ viewport: { width: 1400, height: 900 }, timezoneId: 'Europe/Berlin' });
  await signInAs(page, accounts.admin.email);
  await expect.poll(() => page.locator('tbody tr').count(), { timeout: 20_000 }).toBe(2);
  // Times carry their zone.
  await expect.poll(() => page.locator('tbody').innerText()).toMatch(/GMT\+1|CET/);
  await page.screenshot({ path: join(SHOTS, 'admin-tasks.png') });

  // A task created elsewhere appears without a reload.
  await createTask(adminCookie, accounts.alice.id, 'instance.migrate');
  await expect.poll(() => page.locator('tbody tr').count(), { timeout: 20_000 }).toBe(3);
  await expect.poll(() => page.locator('tbody').innerText()).toContain('instance.migrate');
  await page.screenshot({ path: join(SHOTS, 'admin-tasks-live.png') });

  for (const label of UNAVAILABLE_PAGES) {
    await menu(page).getByText(label, { exact: true }).click();
    await expect.poll(() => page.getByText(`${label} is not available yet`).isVisible(), { timeout: 10_000 }).toBe(true);
    await page.screenshot({ path: join(SHOTS, `admin-${label.toLowerCase().replaceAll(' ', '-')}.png`) });
  }

  // A filtered view lives in the URL: reloading it keeps the filter, and Export CSV downloads that view.
  await page.goto(`${url}/#/tasks?filter=${encodeURIComponent(JSON.stringify({ type: 'instance.snapshot' }))}`);
  await expect.poll(() => page.locator('tbody tr').count(), { timeout: 10_000 }).toBe(1);
  await page.reload();
  await expect.poll(() => page.locator('tbody tr').count(), { timeout: 10_000 }).toBe(1);
  const href = await page.getByRole('link', { name: /export csv/i }).getAttribute('href');
  const csv = await page.evaluate(async (path) => (await fetch(path!)).text(), href);
  expect(csv.trim().split('\n')).toHaveLength(2);
  expect(csv).toContain('instance.snapshot');

  // A deploy's progress bar moves and its log lines appear while it runs, without a reload.
  await fetch(`${sim.url}/_sim/faults`, { method: 'POST', body: JSON.stringify({ hypervisorId: 'hv-watch', mode: 'slow' }) });
  const deployId = await createTask(adminCookie, accounts.alice.id, 'instance.deploy', 'hv-watch');
  await page.goto(`${url}/#/tasks/${deployId}/show`);
  const progress = () => page.getByRole('progressbar', { name: 'progress' }).getAttribute('aria-valuenow').then(Number);
  const logLines = () => page.getByTestId('task-log').locator('li').count();
  await expect.poll(logLines, { timeout: 20_000 }).toBeGreaterThanOrEqual(2);
  expect(await page.getByText('on hv-watch').count()).toBeGreaterThan(0);
  const midway = await progress();
  expect(midway).toBeGreaterThan(0);
  expect(midway).toBeLessThan(100);
  await page.screenshot({ path: join(SHOTS, 'admin-task-running.png') });
  await expect.poll(progress, { timeout: 30_000 }).toBe(100);
  await expect.poll(logLines).toBe(5);
  await expect.poll(() => page.getByTestId('task-status').innerText()).toBe('completed');
  expect(await page.getByTestId('task-log').innerText()).toMatch(/DHCP lease assigned[\s\S]*network verified/);
  await page.waitForTimeout(600); // let the bar's transition finish before the picture
  await page.screenshot({ path: join(SHOTS, 'admin-task-completed.png') });
  await fetch(`${sim.url}/_sim/faults`, { method: 'DELETE' });

  await page.getByRole('button', { name: /profile/i }).click();
  await page.getByText(/logout/i).click();
  await expect.poll(() => page.locator('input[name="username"]').isVisible(), { timeout: 10_000 }).toBe(true);
  await page.screenshot({ path: join(SHOTS, 'signed-out.png') });

  await signInAs(page, accounts.alice.email);
  await expect.poll(() => page.locator('tbody tr').count(), { timeout: 20_000 }).toBe(3);
  const body = await page.locator('tbody').innerText();
  expect(body).toContain('instance.backup');
  expect(body).not.toContain('instance.snapshot');
  for (const label of ADMIN_PAGES) expect(await menu(page).getByText(label, { exact: true }).count()).toBe(0);
  await page.screenshot({ path: join(SHOTS, 'customer-tasks.png') });

  // Not by URL either.
  await page.goto(`${url}/#/audit-log`);
  await expect.poll(() => page.getByText('Audit Log is not available yet').count(), { timeout: 5_000 }).toBe(0);
  await expect.poll(() => page.getByText(/not found/i).count(), { timeout: 10_000 }).toBeGreaterThan(0);
  await page.screenshot({ path: join(SHOTS, 'customer-admin-url.png') });
  await page.close();
});
