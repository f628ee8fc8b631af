// The whole platform on a NATS that enforces deploy/nats/permissions.conf (rendered for this test's prefix), every
// process as its own user, as Kubernetes runs it: each page's main path still works, so the file grants what the
// services really do, and no process met a refusal on the way (issue #13 item 11).
import { signIn } from '@opsledger/gateway/testing';
import { repoRoot, testEnv } from '@opsledger/testing';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { SES_SIM_CREDENTIALS, startPlatform } from '../platform';

const run = promisify(execFile);
let platform: Awaited<ReturnType<typeof startPlatform>>;
let cookie = '';

beforeAll(async () => {
  platform = await startPlatform({ natsPermissions: true });
  ({ cookie } = await signIn(platform.url, platform.accounts.admin.email, platform.accounts.password));
});
afterAll(() => platform?.stop());

const call = async (method: string, path: string, body?: unknown) => {
  const res = await fetch(`${platform.url}${path}`, {
    method,
    headers: { cookie, 'content-type': 'application/json', 'x-requested-with': 'XMLHttpRequest' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, json: (await res.json().catch(() => null)) as any };
};
const poll = { timeout: 60_000, interval: 250 };

it('every context works with each process as its own NATS user, and none was refused anything', async () => {
  // Tasks: the gateway's command, the tasks service's events and workflow, the gateway's projection.
  const created = await call('POST', '/api/tasks', {
    type: 'instance.backup',
    target: { userId: platform.accounts.alice.id, hypervisorId: 'hv-1', instanceId: 'vm-1' },
  });
  expect(created.status).toBe(201);
  await expect.poll(async () => (await call('GET', `/api/tasks/${created.json.id}`)).json?.status, poll).toBe('completed');

  // Settings: each section answered by the service that holds it, on the one settings stream.
  expect((await call('PUT', '/api/settings/retention', { auditDays: 400, emailLogDays: 90, ipLogDays: 90 })).status).toBe(200);
  const security = {
    trustedProxies: ['127.0.0.1'],
    notifications: { newLocation: true, sessionExpired: false },
    bruteForce: { threshold: 5, windowSeconds: 600, coolDownSeconds: 600 },
  };
  expect((await call('PUT', '/api/settings/security', security)).status).toBe(200);
  const emailSettings = {
    region: 'eu-west-1',
    endpoint: platform.env.EMAIL_SES_ENDPOINT,
    sender: 'ops@opsledger.test',
    ...SES_SIM_CREDENTIALS,
  };
  expect((await call('PUT', '/api/settings/email', emailSettings)).status).toBe(200);

  // Email: a test send through the email service's workflow to the SES simulator.
  expect((await call('POST', '/api/email-templates/billing.invoice/send-test')).json).toMatchObject({ status: 'sent' });

  // Scheduler: run now, its job a command to another context (the audit service's retention).
  expect((await call('POST', '/api/schedules/audit.retention/run', {})).status).toBeLessThan(300);
  await expect.poll(async () => (await call('GET', '/api/schedules/audit.retention')).json?.lastRun?.result, poll).toBe('succeeded');

  // Identity: the gateway's own events; the IP Log: the sign-in attempt it recorded, enriched by the logins service.
  expect(
    (
      await call('POST', '/api/users', {
        email: 'nats@example.test',
        name: 'Nats',
        role: 'admin',
        password: 'correct horse battery staple',
      })
    ).status,
  ).toBe(201);
  await expect.poll(async () => (await call('GET', '/api/ip-log')).json?.length ?? 0, poll).toBeGreaterThan(0);

  // Audit: every context's stream read, the chain appended, and verified from the CLI with its own user.
  await expect
    .poll(async () => ((await call('GET', '/api/audit-log')).json ?? []).map((e: { action: string }) => e.action).sort(), poll)
    .toEqual(expect.arrayContaining(['setting.edit', 'task.create', 'user.create']));
  // The seeded admin, whose account existed before the gateway started, is named with its email and role.
  const edits = ((await call('GET', `/api/audit-log?filter=${encodeURIComponent('{"action":"setting.edit"}')}`)).json ?? []) as {
    actorEmail: string;
    actorRole: string;
  }[];
  expect(edits.map((e) => [e.actorEmail, e.actorRole])).toEqual(Array(3).fill([platform.accounts.admin.email, 'admin']));
  const verified = await run('bash', [`${repoRoot}tools/cli/opsledger.sh`, 'audit', 'verify'], {
    env: { ...process.env, DATABASE_URL: testEnv.databaseUrl, ...platform.cliEnv },
  });
  expect(verified.stdout).toMatch(/verified|holds/i);

  for (const [name, process] of Object.entries(platform.processes))
    expect(process.log, name).not.toMatch(/permissions violation|authorization violation/i);
});
