// The Team page in headless Chromium against the gateway that serves it (on real NATS and Postgres; the page needs
// no other process): an admin adds a staff user, signs them in elsewhere, deletes them (with the confirmation), and
// the deleted user's session is refused at its next request; both changes are identity events with the admin as
// actor and the console as source. Screenshots go to artifacts/screenshots/.
import { eventRegistry, identityV1 } from '@opsledger/contracts';
import { EventStore } from '@opsledger/eventstore';
import { dropContextSchemas, identityDb, seedAccounts, startTestGateway } from '@opsledger/gateway/testing';
import { createTestDatabase, createTestNats, repoRoot, type TestDatabase, type TestNats } from '@opsledger/testing';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';

const SHOTS = join(repoRoot, 'artifacts', 'screenshots');

let pg: TestDatabase;
let nats: TestNats;
let gateway: Awaited<ReturnType<typeof startTestGateway>>;
let accounts: Awaited<ReturnType<typeof seedAccounts>>;
let browser: Browser;
let page: Page;
let store: EventStore;

beforeAll(async () => {
  if (!existsSync(join(repoRoot, 'apps/console/dist/index.html')))
    throw new Error('build the console first: npm run build -w @opsledger/console');
  mkdirSync(SHOTS, { recursive: true });
  pg = await createTestDatabase();
  nats = await createTestNats();
  store = new EventStore(nats.js, nats.jsm, eventRegistry, nats.prefix);
  gateway = await startTestGateway(pg, nats, { COOKIE_SECURE: 'false', CONSOLE_DIST: join(repoRoot, 'apps/console/dist') });
  accounts = await seedAccounts(await identityDb(pg, nats.prefix));
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'],
  });
  page = await browser.newPage({ viewport: { width: 1500, height: 1100 }, timezoneId: 'Europe/Berlin' });
  await page.goto(gateway.url);
  await page.locator('input[name="username"]').fill(accounts.admin.email);
  await page.locator('input[name="password"]').fill(accounts.password);
  await page.getByRole('button', { name: /sign in/i }).click();
});
afterAll(async () => {
  await browser?.close();
  await gateway?.close();
  await dropContextSchemas(pg, nats.prefix);
  await nats?.dispose();
  await pg?.dispose();
});

/** Signs in as `email` outside the browser and answers the session cookie. */
async function signInElsewhere(email: string, password: string): Promise<string> {
  const res = await fetch(`${gateway.url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
  });
  expect(res.status).toBe(200);
  return res.headers.get('set-cookie')!.split(';')[0]!;
}
const me = (cookie: string) => fetch(`${gateway.url}/api/auth/me`, { headers: { cookie } }).then((r) => r.status);

it('an admin adds a staff user on the Team page and deletes them; the deleted user is signed out at once', async () => {
  await page.getByRole('menuitem', { name: 'Team' }).click();
  const rows = page.locator('tbody tr.RaDatagrid-row');
  await expect.poll(() => rows.count(), { timeout: 30_000 }).toBeGreaterThanOrEqual(3);
  await page.screenshot({ path: join(SHOTS, 'team-list.png'), fullPage: true });

  // Add: a password against the policy is refused in place, naming the field.
  await page.getByRole('link', { name: 'Add User' }).click();
  // The create form, not the list it replaces: the list's sort headers are labelled "Sort by email…" and "Sort by name…".
  await expect.poll(() => page.url(), { timeout: 15_000 }).toMatch(/#\/users\/create$/);
  await page.getByRole('textbox', { name: 'Email' }).fill('Dana@Example.test');
  await page.getByRole('textbox', { name: 'Name' }).fill('Dana Scully');
  await page.getByLabel('Initial password').fill('short');
  await page.getByRole('button', { name: 'Save' }).click();
  await expect.poll(() => page.getByText('must be at least 12 characters').count(), { timeout: 10_000 }).toBeGreaterThan(0);
  await page.screenshot({ path: join(SHOTS, 'team-create-refused.png'), fullPage: true });
  await page.getByRole('button', { name: 'Generate' }).click();
  const password = await page.getByLabel('Initial password').inputValue();
  expect(password).toHaveLength(24);
  await page.getByRole('button', { name: 'Save' }).click();
  await expect.poll(() => page.getByText('dana@example.test', { exact: true }).count(), { timeout: 15_000 }).toBeGreaterThan(0);
  await page.screenshot({ path: join(SHOTS, 'team-user.png'), fullPage: true });
  const userId = page.url().split('/users/')[1]!.split('/')[0]!;

  const dana = await signInElsewhere('dana@example.test', password);
  expect(await me(dana)).toBe(200);

  // Delete, through the confirmation.
  await page.getByRole('button', { name: 'Delete' }).click();
  await expect.poll(() => page.getByText('Delete dana@example.test?').count(), { timeout: 10_000 }).toBe(1);
  await page.screenshot({ path: join(SHOTS, 'team-delete-confirm.png'), fullPage: true });
  await page.getByRole('dialog').getByRole('button', { name: 'Delete' }).click();
  await expect.poll(() => page.url(), { timeout: 15_000 }).toMatch(/#\/users$/);
  await expect.poll(() => rows.filter({ hasText: 'dana@example.test' }).count(), { timeout: 15_000 }).toBe(0);
  await page.screenshot({ path: join(SHOTS, 'team-after-delete.png'), fullPage: true });

  expect(await me(dana)).toBe(401);
  const events = await store.read({ context: 'identity', type: 'account', id: userId });
  expect(events.map((e) => e.type)).toEqual([identityV1.AccountCreatedSchema.typeName, identityV1.AccountDeletedSchema.typeName]);
  for (const event of events) {
    expect(event).toMatchObject({ actor: { kind: 'staff', id: accounts.admin.id }, source: 'console', correlationId: expect.any(String) });
  }
  expect(events[1]!.data).toMatchObject({ email: 'dana@example.test', role: identityV1.AccountRole.ADMIN });
});

it('the last admin cannot delete themselves: the refusal is shown as the gateway words it', async () => {
  await page.getByRole('menuitem', { name: 'Team' }).click();
  const rows = page.locator('tbody tr.RaDatagrid-row');
  await rows.filter({ hasText: accounts.admin.email }).first().click();
  await page.getByRole('button', { name: 'Delete' }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Delete' }).click();
  await expect.poll(() => page.getByText(/last admin: .* is the only active admin/).count(), { timeout: 15_000 }).toBeGreaterThan(0);
  await page.screenshot({ path: join(SHOTS, 'team-last-admin.png'), fullPage: true });
});
