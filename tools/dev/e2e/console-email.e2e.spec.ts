// Email Templates, the Email Log and Settings → Email in headless Chromium against the running platform (the email
// service, its Temporal worker, the SES v2 simulator). Screenshots go to artifacts/screenshots/.
import { repoRoot } from '@opsledger/testing';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { SES_SIM_CREDENTIALS, startPlatform } from '../platform';

const SHOTS = join(repoRoot, 'artifacts', 'screenshots');

let platform: Awaited<ReturnType<typeof startPlatform>>;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  if (!existsSync(join(repoRoot, 'apps/console/dist/index.html')))
    throw new Error('build the console first: npm run build -w @opsledger/console');
  mkdirSync(SHOTS, { recursive: true });
  platform = await startPlatform({ env: { gateway: { COOKIE_SECURE: 'false', CONSOLE_DIST: join(repoRoot, 'apps/console/dist') } } });
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'],
  });
  page = await browser.newPage({ viewport: { width: 1500, height: 1100 }, timezoneId: 'Europe/Berlin' });
  await page.goto(platform.url);
  await page.locator('input[name="username"]').fill(platform.accounts.admin.email);
  await page.locator('input[name="password"]').fill(platform.accounts.password);
  await page.getByRole('button', { name: /sign in/i }).click();
});
afterAll(async () => {
  await browser?.close();
  await platform?.stop();
});

/** A call to the API as the signed-in admin, from the page itself (its session cookie, the console's header). */
const api = (method: string, path: string, body?: unknown) =>
  page.evaluate(
    async ([m, p, b]) => {
      const res = await fetch(p as string, {
        method: m as string,
        headers: { 'content-type': 'application/json', 'x-requested-with': 'XMLHttpRequest' },
        body: b === undefined ? undefined : JSON.stringify(b),
      });
      return { status: res.status, body: (await res.json()) as any };
    },
    [method, path, body] as const,
  );

it('an operator edits a template, sees the bad token in place, fixes it, sends a test, and finds the body as sent in the Email Log', async () => {
  await page.getByRole('menuitem', { name: 'Email Templates' }).click();
  const rows = page.locator('tbody tr.RaDatagrid-row');
  await expect.poll(() => rows.count(), { timeout: 30_000 }).toBeGreaterThanOrEqual(6);
  await page.screenshot({ path: join(SHOTS, 'email-templates-list.png'), fullPage: true });

  await rows.filter({ hasText: 'user.welcome' }).first().click();
  const html = page.getByTestId('html');
  await expect.poll(() => html.inputValue(), { timeout: 15_000 }).toContain('{{ user.name }}');
  const source = await html.inputValue();
  // A typo in a token: the service's check comes back while typing, in place (its line marked in the gutter).
  await html.fill(source.replace('<h2>Welcome, {{ user.name }}</h2>', '<h2>Welcome aboard, {{ user.nmae }}</h2>'));
  const problem = page.getByTestId('template-problem');
  await expect.poll(() => problem.first().textContent(), { timeout: 10_000 }).toContain('unknown token "user.nmae"');
  expect(await problem.first().textContent()).toMatch(/^line 4, column \d+/);
  expect(await page.locator('[data-error-line="4"]').count()).toBe(1);
  await page.screenshot({ path: join(SHOTS, 'email-template-editor-error.png'), fullPage: true });

  // Saving as it is is refused the same way.
  await page.getByTestId('save').click();
  await expect.poll(() => page.getByText(/Not saved/).count(), { timeout: 10_000 }).toBeGreaterThan(0);

  await html.fill(source.replace('<h2>Welcome, {{ user.name }}</h2>', '<h2>Welcome aboard, {{ user.name }}</h2>'));
  await expect.poll(() => problem.count(), { timeout: 10_000 }).toBe(0);
  const preview = page.frameLocator('iframe[title="Preview of the email body"]');
  await expect.poll(() => preview.locator('h2').textContent(), { timeout: 10_000 }).toBe('Welcome aboard, Ada Lovelace');
  await page.screenshot({ path: join(SHOTS, 'email-template-editor.png'), fullPage: true });
  await page.getByTestId('save').click();
  await expect.poll(() => page.getByText('version 2', { exact: true }).count(), { timeout: 15_000 }).toBeGreaterThan(0);
  await expect.poll(() => page.getByTestId('version-row').count(), { timeout: 10_000 }).toBe(2);

  await page.getByTestId('send-test').click();
  await expect.poll(() => page.getByText(`Sent to ${platform.accounts.admin.email}`).count(), { timeout: 20_000 }).toBeGreaterThan(0);

  await page.getByRole('menuitem', { name: 'Email Log' }).click();
  const logRows = page.locator('tbody tr.RaDatagrid-row');
  await expect.poll(() => logRows.first().textContent(), { timeout: 20_000 }).toContain('user.welcome');
  expect(await logRows.first().getByTestId('email-status').textContent()).toBe('sent');
  await logRows.first().click();
  const body = page.frameLocator('[data-testid="email-body"]');
  await expect.poll(() => body.locator('h2').textContent(), { timeout: 15_000 }).toBe('Welcome aboard, Ada Lovelace');
  const [mail] = (await platform.sesSim.received()).filter((m) => m.subject.startsWith('Welcome to Ops Ledger'));
  expect(mail!.body.html).toContain('<h2>Welcome aboard, Ada Lovelace</h2>');
  await page.screenshot({ path: join(SHOTS, 'email-log-entry.png'), fullPage: true });
});

it('a hostile template cannot run script in the console: the body is shown in a sandboxed frame', async () => {
  const created = await api('POST', '/api/email-templates', {
    name: 'hostile.test',
    subject: 'Hi {{ user.name }}',
    html: '<p id="hello">Hi {{ user.name }}</p><script>window.top.pwned = 1; window.pwnedInside = 1;</script><img src="x" onerror="window.top.pwned = 2; window.pwnedInside = 2">',
    tokens: [{ path: 'user.name', description: '', sampleJson: '"Mallory"' }],
  });
  expect(created.status).toBe(201);
  const sent = await api('POST', '/api/email-templates/hostile.test/send-test');
  expect(sent.body.status).toBe('sent');
  await page.goto(`${platform.url}/#/email-log/${sent.body.emailId}/show`);
  const frame = page.locator('[data-testid="email-body"]');
  await expect
    .poll(() => page.frameLocator('[data-testid="email-body"]').locator('#hello').textContent(), { timeout: 15_000 })
    .toBe('Hi Mallory');
  expect(await frame.getAttribute('sandbox')).toBe('');
  // Neither the script nor the handler ran: not in the console's window, not in the frame's own.
  await page.waitForTimeout(500);
  expect(await page.evaluate(() => (globalThis as unknown as { pwned?: number }).pwned)).toBeUndefined();
  const inner = page.frames().find((f) => f !== page.mainFrame());
  expect(await inner!.evaluate(() => (globalThis as unknown as { pwnedInside?: number }).pwnedInside)).toBeUndefined();
});

it('Settings → Email: a wrong secret shows the provider’s credential error on Send test email at once', async () => {
  await page.getByRole('menuitem', { name: 'Settings' }).click();
  await page.getByTestId('settings-region').fill('eu-west-1');
  await page.getByTestId('settings-endpoint').fill(platform.env.EMAIL_SES_ENDPOINT);
  await page.getByTestId('settings-sender').fill('alerts@opsledger.test');
  await page.getByTestId('settings-accessKeyId').fill(SES_SIM_CREDENTIALS.accessKeyId);
  await page.getByTestId('settings-secretAccessKey').fill('not-the-secret');
  await page.getByTestId('settings-save').click();
  await expect.poll(() => page.getByText('Email settings saved').count(), { timeout: 15_000 }).toBeGreaterThan(0);
  await page.getByTestId('settings-test').click();
  const result = page.getByTestId('settings-test-result');
  await expect.poll(() => result.textContent(), { timeout: 15_000 }).toContain('SignatureDoesNotMatch');
  expect(await result.textContent()).toContain('Fix:');
  await page.screenshot({ path: join(SHOTS, 'settings-email-credential-error.png'), fullPage: true });
  expect(JSON.stringify((await api('GET', '/api/settings/email')).body)).not.toContain('not-the-secret');
});
