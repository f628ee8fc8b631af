// The Scheduler page in headless Chromium against the real gateway,
// scheduler service, its Temporal worker and schedules. Screenshots go to artifacts/screenshots/.
import { repoRoot } from '@opsledger/testing';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startPlatform } from '../platform';

const SHOTS = join(repoRoot, 'artifacts', 'screenshots');
const JOB = 'billing.hourly-charge';
/** Every job of the registry (JOB_IDS in services/scheduler/src/domain/job-registry.ts): a job added there is added here. */
const REGISTRY = [
  'audit.retention',
  'billing.hourly-charge',
  'email.retention',
  'instance.daily-snapshot',
  'logins.retention',
  'provisioning.prune',
  'tasks.stuck-sweep',
];

let platform: Awaited<ReturnType<typeof startPlatform>>;
let browser: Browser;

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  platform = await startPlatform({ env: { gateway: { COOKIE_SECURE: 'false', CONSOLE_DIST: join(repoRoot, 'apps/console/dist') } } });
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'],
  });
});
afterAll(async () => {
  await browser?.close();
  await platform?.stop();
});

it('an operator opens the Scheduler, clicks Run now, and sees the new run and its output appear without a reload', async () => {
  const page = await browser.newPage({ viewport: { width: 1500, height: 1000 }, timezoneId: 'Europe/Berlin' });
  const rows = () => page.locator('tbody tr.RaDatagrid-row');
  const row = () => rows().filter({ hasText: JOB });
  await page.goto(platform.url);
  await page.locator('input[name="username"]').fill(platform.accounts.admin.email);
  await page.locator('input[name="password"]').fill(platform.accounts.password);
  await page.getByRole('button', { name: /sign in/i }).click();
  await page.getByRole('menuitem', { name: 'Scheduler' }).click();

  // Every job of the registry, once each, each with its plain-English schedule.
  await expect.poll(() => rows().count(), { timeout: 20_000 }).toBe(REGISTRY.length);
  for (const id of REGISTRY) expect(await rows().filter({ hasText: id }).count(), id).toBe(1);
  expect(await row().innerText()).toContain('Every 2 minutes, UTC');
  await page.screenshot({ path: join(SHOTS, 'scheduler-list.png'), fullPage: true });

  // Expand the job, then Run now: the run appears in the open row, live, with what it printed.
  await row().getByText(JOB).click();
  const runs = page.getByTestId('recent-runs');
  await expect.poll(() => runs.isVisible(), { timeout: 10_000 }).toBe(true);
  const before = await runs.getByTestId('run').count();
  await row().getByTestId('run-now').click();
  await expect.poll(() => runs.getByTestId('run').count(), { timeout: 60_000 }).toBeGreaterThan(before);
  await expect.poll(() => runs.getByTestId('run-result').first().innerText(), { timeout: 60_000 }).toBe('succeeded');
  expect(await runs.getByTestId('run-output').first().innerText()).toMatch(/hour/i);
  expect(await row().getByTestId('schedule-health').innerText()).toBe('ok');
  await page.screenshot({ path: join(SHOTS, 'scheduler-expanded-run.png'), fullPage: true });
  await page.close();
});
