// The Audit Log end to end on the running platform (every service a process, real NATS, Postgres and Temporal): a
// task retry from the console, a template edit with a secret-named token over the API with a Bearer token, a staff
// user's deletion and a CLI prune each become exactly one entry with the right actor (email and role), action,
// resource and source; the secret's value is in no entry, not in /api/audit-log, its CSV or any process's log.
import { repoRoot } from '@opsledger/testing';
import { execFile } from 'node:child_process';
import { hostname, userInfo } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startPlatform } from '../platform';

const run = promisify(execFile);
const SECRET = 'sk_live_e2e-audit-secret-4f2a9c';
const PASSWORD = 'a-long-enough-password-1';
const OPS = 'ops-audit@example.test';

let platform: Awaited<ReturnType<typeof startPlatform>>;
beforeAll(async () => {
  platform = await startPlatform();
});
afterAll(() => platform?.stop());

interface Entry {
  id: string;
  actorKind: string;
  actorId: string;
  actorEmail: string;
  actorRole: string;
  source: string;
  osUser: string;
  host: string;
  action: string;
  resourceType: string;
  resourceId: string;
  diff: { field: string; sensitive: boolean; change?: string; oldValue?: string; newValue?: string }[];
}

async function signIn(email: string, password: string): Promise<string> {
  const res = await fetch(`${platform.url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
  });
  expect(res.status).toBe(200);
  return res.headers.get('set-cookie')!.split(';')[0]!;
}

/** A call as the console makes it (cookie and the CSRF header), or as a program does (Bearer token). */
async function call(auth: { cookie: string } | { token: string }, method: string, path: string, body?: unknown) {
  const headers: Record<string, string> =
    'cookie' in auth ? { cookie: auth.cookie, 'x-requested-with': 'XMLHttpRequest' } : { authorization: `Bearer ${auth.token}` };
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`${platform.url}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  return {
    status: res.status,
    text,
    json: text && res.headers.get('content-type')?.includes('json') ? (JSON.parse(text) as any) : undefined,
  };
}

async function until<T>(read: () => Promise<T>, ok: (value: T) => boolean, what: string, ms = 60_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await read();
    if (ok(value)) return value;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${ms} ms (last: ${JSON.stringify(value).slice(0, 800)})`);
    await sleep(250);
  }
}

it('a task retry, a template edit with a secret-named token, a staff user deletion and a CLI prune: one entry each, and the secret nowhere', async () => {
  // The actions are done by a staff admin made through the Team API, so IDENTITY knows its email and role.
  const seeded = await signIn(platform.accounts.admin.email, platform.accounts.password);
  const made = await call({ cookie: seeded }, 'POST', '/api/users', { email: OPS, name: 'Ops', role: 'admin', password: PASSWORD });
  expect(made.status).toBe(201);
  const ops = { cookie: await signIn(OPS, PASSWORD) };
  const opsId = made.json.id as string;
  const bearer = await call(ops, 'POST', '/api/api-tokens', { name: 'audit e2e', expiresInDays: 1 });
  expect(bearer.status).toBe(201);
  const api = { token: bearer.json.token as string };

  // 1. A task that fails once on its hypervisor, retried from the console.
  await fetch(`${platform.sim.url}/_sim/faults`, {
    method: 'POST',
    body: JSON.stringify({ hypervisorId: 'hv-audit', step: 'disk.attach', mode: 'error', count: 1 }),
  });
  const task = await call(ops, 'POST', '/api/tasks', {
    type: 'instance.deploy',
    target: { userId: platform.accounts.alice.id, hypervisorId: 'hv-audit', instanceId: 'vm-audit-1' },
  });
  expect(task.status).toBe(201);
  const taskId = task.json.id as string;
  await until(
    () => call(ops, 'GET', `/api/tasks/${taskId}`),
    (r) => r.json?.status === 'failed',
    'task failed',
  );
  expect((await call(ops, 'POST', `/api/tasks/${taskId}/retry`)).status).toBeLessThan(300);

  // 2. A template with a secret-named token, its sample (the secret) changed over the API with the Bearer token.
  const template = (sample: string) => ({
    subject: 'Your API key',
    html: '<p>Your key: {{ user.api_secret }}</p>',
    tokens: [{ path: 'user.api_secret', description: 'the key', sampleJson: JSON.stringify(sample) }],
  });
  const created = await call(api, 'POST', '/api/email-templates', { name: 'user.api-key', ...template('sk_live_placeholder') });
  expect(created.status, created.text).toBe(201);
  const edited = await call(api, 'PUT', '/api/email-templates/user.api-key', template(SECRET));
  expect(edited.status, edited.text).toBe(200);

  // 3. A staff user deleted on the Team API.
  const leaving = await call(ops, 'POST', '/api/users', {
    email: 'leaving@example.test',
    name: 'Leaving',
    role: 'admin',
    password: PASSWORD,
  });
  expect(leaving.status).toBe(201);
  expect((await call(ops, 'DELETE', `/api/users/${leaving.json.id}`)).status).toBe(204);

  // 4. The operator CLI's prune, as the OS user and host it runs as.
  const pruned = await run('bash', [`${repoRoot}tools/cli/opsledger.sh`, 'provisioning', 'prune', '--days=90'], {
    env: { ...process.env, ...platform.cliEnv, LOG_LEVEL: 'warn' },
  });
  expect(pruned.stdout).toMatch(/^removed \d+ provisioning log entries older than 90 days/);

  const entries = (filter: object) =>
    call(ops, 'GET', `/api/audit-log?filter=${encodeURIComponent(JSON.stringify(filter))}`).then((r) => (r.json ?? []) as Entry[]);
  const one = async (filter: object) => {
    const found = await until(
      () => entries(filter),
      (list) => list.length > 0,
      `an entry for ${JSON.stringify(filter)}`,
    );
    expect(found, JSON.stringify(filter)).toHaveLength(1);
    return found[0]!;
  };
  const byOps = { actorKind: 'staff', actorId: opsId, actorEmail: OPS, actorRole: 'admin' };

  expect(await one({ action: 'task.retry', resourceId: taskId })).toMatchObject({
    ...byOps,
    action: 'task.retry',
    resourceType: 'task',
    resourceId: taskId,
    source: 'console',
  });
  const edit = await one({ action: 'template.edit', resourceId: 'user.api-key' });
  expect(edit).toMatchObject({ ...byOps, action: 'template.edit', resourceType: 'template', source: 'api' });
  expect(edit.diff).toContainEqual({ field: 'tokens.user.api_secret', sensitive: true, change: 'changed' });
  expect(await one({ action: 'user.delete', resourceId: leaving.json.id })).toMatchObject({
    ...byOps,
    action: 'user.delete',
    resourceType: 'user',
    source: 'console',
  });
  expect(await one({ action: 'provisioning.prune' })).toMatchObject({
    actorKind: 'system',
    actorId: `${userInfo().username}@${hostname()}`,
    actorRole: 'system',
    action: 'provisioning.prune',
    resourceType: 'provisioning-log',
    source: 'cli',
    osUser: userInfo().username,
    host: hostname(),
  });

  // The secret: in no entry of the API, not in its CSV, not in any process's log.
  const all = await call(ops, 'GET', `/api/audit-log?range=${encodeURIComponent('[0,499]')}`);
  expect(all.status).toBe(200);
  // The whole log in one page: fewer than the page holds.
  expect((all.json as Entry[]).length).toBeLessThan(500);
  expect(all.text).toContain('tokens.user.api_secret');
  expect(all.text).not.toContain(SECRET);
  const csv = await call(ops, 'GET', '/api/audit-log?format=csv');
  expect(csv.text).toContain('tokens.user.api_secret: changed');
  expect(csv.text).not.toContain(SECRET);
  const logs = Object.entries(platform.processes);
  expect(logs.map(([, process]) => process.log).join('').length).toBeGreaterThan(0);
  for (const [name, process] of logs) expect(process.log, name).not.toContain(SECRET);
});
