// The scheduler's silent failure, made loud: with its worker stopped, a due
// job turns overdue and the page's banner says the runner is down; once a
// worker polls, the job runs and is healthy again. Across real processes:
// the gateway, the scheduler service, a Temporal dev server.
import { signIn } from '@opsledger/gateway/testing';
import { freePort, ServiceProcess } from '@opsledger/testing';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { readManifest } from '../manifest';
import { startPlatform } from '../platform';

const GRACE_SECONDS = 3;
let platform: Awaited<ReturnType<typeof startPlatform>>;
let worker: ServiceProcess | undefined;
let admin = '';
let customer = '';

beforeAll(async () => {
  platform = await startPlatform({
    env: { scheduler: { SCHEDULER_RUN_WORKER: 'false' }, gateway: { SCHEDULER_OVERDUE_GRACE_SECONDS: String(GRACE_SECONDS) } },
  });
  admin = (await signIn(platform.url, platform.accounts.admin.email, platform.accounts.password)).cookie;
  customer = (await signIn(platform.url, platform.accounts.alice.email, platform.accounts.password)).cookie;
});
afterAll(async () => {
  await worker?.stop('SIGKILL');
  await platform?.stop();
});

const call = async (method: string, path: string, body?: unknown, cookie = admin) => {
  const res = await fetch(`${platform.url}${path}`, {
    method,
    headers: { cookie, 'content-type': 'application/json', 'x-requested-with': 'XMLHttpRequest' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json().catch(() => null)) as any };
};

it('a bad cron is a 400 naming it; customers are refused', async () => {
  const bad = await call('PATCH', '/api/schedules/billing.hourly-charge', { cron: '61 * * * *' });
  expect(bad.status).toBe(400);
  expect(bad.body.violations.map((v: { field: string }) => v.field)).toContain('cron');
  expect((await call('PATCH', '/api/schedules/billing.hourly-charge', { cron: '* * * * *', timezone: 'Mars/Olympus' })).status).toBe(400);
  expect((await call('POST', '/api/schedules/no.such-job/run')).status).toBe(404);
  expect((await call('GET', '/api/schedules', undefined, customer)).status).toBe(403);
  expect((await call('POST', '/api/schedules/billing.hourly-charge/run', {}, customer)).status).toBe(403);
});

it('with no worker a due job turns overdue and the runner is reported silent; once a worker polls, it runs', async () => {
  // One job due every minute; the rest paused so that it alone decides whether the runner looks silent.
  const { body: jobs } = await call('GET', '/api/schedules');
  for (const job of jobs as { id: string }[])
    if (job.id !== 'billing.hourly-charge')
      expect((await call('POST', `/api/schedules/${job.id}/pause`, { note: 'test' })).status).toBe(200);
  expect((await call('PATCH', '/api/schedules/billing.hourly-charge', { cron: '* * * * *', timezone: 'UTC' })).status).toBe(200);

  // The schedule fires at the next minute; no worker takes the run; past the grace the job is late —
  // "never ran", since no worker ever ran it (the stronger form of overdue).
  await expect
    .poll(async () => (await call('GET', '/api/schedules/billing.hourly-charge')).body.health, { timeout: 100_000, interval: 1_000 })
    .toBe('never_ran');
  const silent = (await call('GET', '/api/scheduler/status')).body;
  expect(silent).toMatchObject({ runnerSilent: true, neverRan: 1, overdue: 0, paused: jobs.length - 1 });
  expect(silent.message).toMatch(/not running/);

  // A worker starts (a second scheduler process, worker on): the run the schedule started waits in Temporal and now runs.
  const entry = readManifest().find((p) => p.name === 'scheduler')!;
  const port = await freePort();
  worker = ServiceProcess.start('scheduler-worker', entry.entry, {
    OPSLEDGER_PREFIX: platform.env.OPSLEDGER_PREFIX,
    NATS_URL: platform.env.NATS_URL,
    TEMPORAL_ADDRESS: platform.env.TEMPORAL_ADDRESS,
    [entry.portVariable]: String(port),
  });
  await worker.waitReady(`http://127.0.0.1:${port}/readyz`);
  await expect
    .poll(async () => (await call('GET', '/api/schedules/billing.hourly-charge')).body.health, { timeout: 60_000, interval: 500 })
    .toBe('ok');
  const { body: job } = await call('GET', '/api/schedules/billing.hourly-charge');
  await expect
    .poll(async () => (await call('GET', '/api/schedules/billing.hourly-charge')).body.runs[0]?.result, { timeout: 30_000 })
    .toBe('succeeded');
  expect(job.runs[0]).toMatchObject({ trigger: 'schedule' });
  expect((await call('GET', '/api/scheduler/status')).body.runnerSilent).toBe(false);
});
