// "Who deleted this user?" answered in headless Chromium against the running platform: an admin deletes a staff user
// on the Team page, opens the Audit Log, filters by action user.delete, opens the entry (actor, resource, source, IP)
// and follows its correlation link; then verifies the hash chain from the page. Screenshots go to artifacts/screenshots/.
import { repoRoot } from '@opsledger/testing';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startPlatform } from '../platform';

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
  page = await browser.newPage({ viewport: { width: 1500, height: 1000 }, timezoneId: 'Europe/Berlin' });
  await page.goto(platform.url);
  await page.locator('input[name="username"]').fill(platform.accounts.admin.email);
  await page.locator('input[name="password"]').fill(platform.accounts.password);
  await page.getByRole('button', { name: /sign in/i }).click();
});
afterAll(async () => {
  await browser?.close();
  await platform?.stop();
});

/** Adds a staff user through the API, as another admin session would. */
async function addStaffUser(email: string): Promise<string> {
  const login = await fetch(`${platform.url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: platform.accounts.admin.email, password: platform.accounts.password }),
  });
  const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
  const res = await fetch(`${platform.url}/api/users`, {
    method: 'POST',
    headers: { cookie, 'content-type': 'application/json', 'x-requested-with': 'XMLHttpRequest' },
    body: JSON.stringify({ email, name: 'Fox Mulder', role: 'admin', password: 'a-long-enough-password-1' }),
  });
  expect(res.status).toBe(201);
  return ((await res.json()) as { id: string }).id;
}

it('an admin deletes a staff user on the Team page and finds who did it in the Audit Log, with its correlated entries', async () => {
  const userId = await addStaffUser('fox@example.test');

  // Delete on the Team page, through the confirmation.
  await page.getByRole('menuitem', { name: 'Team' }).click();
  const rows = page.locator('tbody tr.RaDatagrid-row');
  await expect.poll(() => rows.filter({ hasText: 'fox@example.test' }).count(), { timeout: 30_000 }).toBe(1);
  await rows.filter({ hasText: 'fox@example.test' }).click();
  await page.getByRole('button', { name: 'Delete' }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Delete' }).click();
  await expect.poll(() => rows.filter({ hasText: 'fox@example.test' }).count(), { timeout: 15_000 }).toBe(0);
  await page.screenshot({ path: join(SHOTS, 'audit-team-after-delete.png'), fullPage: true });

  // The Audit Log, filtered to deletions of users.
  await page.getByRole('menuitem', { name: 'Audit Log' }).click();
  await expect.poll(() => page.getByTestId('chain-status').count(), { timeout: 15_000 }).toBe(1);
  await page.locator('input[name="actionPrefix"]').fill('user.delete');
  const entries = page.locator('tbody tr.RaDatagrid-row');
  await expect.poll(() => entries.count(), { timeout: 30_000 }).toBe(1);
  expect(page.url()).toContain(encodeURIComponent('"actionPrefix":"user.delete"'));
  await page.screenshot({ path: join(SHOTS, 'audit-log-filtered.png'), fullPage: true });
  // Who: the admin (by email when the audit service knows it, else by id).
  const row = await entries.first().innerText();
  expect(row).toMatch(
    new RegExp(
      `(${platform.accounts.admin.email}|${platform.accounts.admin.id})[\\s\\S]*user\\.delete[\\s\\S]*user ${userId}[\\s\\S]*console`,
    ),
  );

  // The entry: who, what, from where, and its correlation id.
  // On its time: the middle of the row may be the resource's own link.
  await entries.first().locator('td').first().click();
  await expect.poll(() => page.getByTestId('correlation-id').count(), { timeout: 15_000 }).toBe(1);
  const shown = await page.locator('main').innerText();
  expect(shown).toContain('user.delete');
  expect(shown).toMatch(new RegExp(`${platform.accounts.admin.email}|${platform.accounts.admin.id}`));
  expect(shown).toContain(`user ${userId}`);
  expect(await page.getByTestId('audit-source').innerText()).toBe('console');
  expect(shown).toMatch(/Client IP \S+/);
  const correlationId = await page.getByTestId('correlation-id').innerText();
  expect(correlationId).toMatch(/^[A-Za-z0-9._:-]{8,}$/);
  await page.screenshot({ path: join(SHOTS, 'audit-entry.png'), fullPage: true });

  // The deleted user has no Team record to open: its id is marked deleted and leads to its history in the Audit Log.
  const entryUrl = page.url();
  await expect.poll(() => page.getByTestId('resource-deleted').count(), { timeout: 15_000 }).toBeGreaterThanOrEqual(1);
  await page
    .getByRole('link', { name: `user ${userId}` })
    .first()
    .click();
  await expect
    .poll(() => page.url(), { timeout: 10_000 })
    .toContain(encodeURIComponent(JSON.stringify({ resourceType: 'user', resourceId: userId })));
  await expect.poll(() => entries.count(), { timeout: 15_000 }).toBe(2);
  expect((await entries.allInnerTexts()).map((t) => t.match(/user\.\w+/)?.[0])).toEqual(['user.delete', 'user.create']);
  await page.screenshot({ path: join(SHOTS, 'audit-deleted-user-history.png'), fullPage: true });
  await page.goto(entryUrl);
  await expect.poll(() => page.getByTestId('correlation-id').count(), { timeout: 15_000 }).toBe(1);

  // Its correlation link: every entry that shares the id, this one among them.
  await page.getByRole('link', { name: 'every entry of it' }).click();
  await expect.poll(() => page.url(), { timeout: 10_000 }).toContain(encodeURIComponent(`"correlationId":"${correlationId}"`));
  await expect.poll(() => entries.count(), { timeout: 15_000 }).toBeGreaterThanOrEqual(1);
  expect(await entries.allInnerTexts()).toEqual(expect.arrayContaining([expect.stringContaining('user.delete')]));
  await page.screenshot({ path: join(SHOTS, 'audit-correlated.png'), fullPage: true });

  // The chain verifies, and the page says when.
  await page.getByTestId('verify-chain').click();
  await expect
    .poll(() => page.getByTestId('chain-status').innerText(), { timeout: 30_000 })
    .toMatch(/Chain intact: [\d,]+ entries verified/);
  await page.screenshot({ path: join(SHOTS, 'audit-chain-verified.png'), fullPage: true });
});
