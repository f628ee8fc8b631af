import type { ServiceProcess } from '@opsledger/testing';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { signIn } from '@opsledger/gateway/testing';
import { startPlatform } from '../platform';

let platform: Awaited<ReturnType<typeof startPlatform>>;
beforeAll(async () => {
  platform = await startPlatform();
});
afterAll(() => platform?.stop());

it('every service answers /readyz 200; a task created over HTTP runs to completion on the worker; SIGTERM drains and exits 0', async () => {
  const { url, accounts } = platform;
  const { tasks, gateway } = platform.processes as Record<'tasks' | 'gateway', ServiceProcess>;
  const { cookie } = await signIn(url, accounts.admin.email, accounts.password);
  // The gateway tells its details to staff only; anyone gets the status.
  expect(await (await fetch(`${url}/readyz`)).json()).toEqual({ status: 'ok' });
  const ready = (await (await fetch(`${url}/readyz`, { headers: { cookie } })).json()) as { details: Record<string, { status: string }> };
  expect(Object.keys(ready.details).sort()).toEqual(['nats', 'postgres', 'projections']);
  expect((await fetch(`${platform.urls.tasks}/readyz`)).status).toBe(200);

  // What the console sends with a change signed in by cookie (CSRF check).
  const fromConsole = { cookie, 'x-requested-with': 'XMLHttpRequest' };
  const post = (body: unknown) =>
    fetch(`${url}/api/tasks`, {
      method: 'POST',
      headers: { ...fromConsole, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });

  // The tasks service's validation error crosses NATS and the gateway as a 400 naming the field.
  const invalid = await post({ type: 'instance.explode', target: { userId: 'u-9', hypervisorId: 'hv-2', instanceId: 'vm-7' } });
  expect(invalid.status).toBe(400);
  expect(((await invalid.json()) as { violations: { field: string }[] }).violations.map((v) => v.field)).toEqual(['type']);
  // Params have rules per type, checked by the tasks service: a fractional step timeout once stranded a task in pending.
  const target = { userId: accounts.alice.id, hypervisorId: 'hv-2', instanceId: 'vm-7' };
  const badParams = await post({ type: 'instance.deploy', target, params: { stepTimeoutMs: 1.5, backup: 'weekly' } });
  expect(badParams.status).toBe(400);
  expect(((await badParams.json()) as { violations: { field: string; rule: string }[] }).violations).toEqual([
    expect.objectContaining({ field: 'params.stepTimeoutMs', rule: 'type:int' }),
    expect.objectContaining({ field: 'params.backup', rule: 'one_of' }),
  ]);
  // Params that are not an object are refused by the gateway rather than dropped.
  const listParams = await post({ type: 'instance.deploy', target, params: [1] });
  expect(listParams.status).toBe(400);
  expect(((await listParams.json()) as { violations: { field: string }[] }).violations.map((v) => v.field)).toEqual(['params']);

  const created = await post({
    type: 'instance.backup',
    target: { userId: accounts.alice.id, hypervisorId: 'hv-2', instanceId: 'vm-7', extra: 'not stored' },
  });
  expect(created.status).toBe(201);
  // The answer is the task as stored (what GET answers), not the request echoed back.
  const record = (await created.json()) as { id: string; createdAt: string; target: object };
  const { id } = record;
  const stored = (await (await fetch(`${url}/api/tasks/${id}`, { headers: { cookie } })).json()) as Record<string, unknown>;
  expect(record).toMatchObject({ id, type: 'instance.backup', attempt: 1, createdAt: stored.createdAt, userId: accounts.alice.id });
  expect(record.target).toEqual({ userId: accounts.alice.id, hypervisorId: 'hv-2', instanceId: 'vm-7' });

  // The tasks service's worker runs it against the hypervisor simulator to completion.
  type Task = { status: string; userId: string; progress: number; log: { text: string }[]; cancellable: boolean; retryable: boolean };
  let done: Task | undefined;
  for (let i = 0; i < 400 && done?.status !== 'completed'; i++) {
    const res = await fetch(`${url}/api/tasks/${id}`, { headers: { cookie } });
    if (res.status === 200) done = (await res.json()) as Task;
    await sleep(50);
  }
  expect(done).toMatchObject({
    status: 'completed',
    userId: accounts.alice.id,
    progress: 100,
    attempt: 1,
    retryOf: null,
    cancellable: false,
    retryable: false,
  });
  expect(done!.log.map((l) => l.text)).toEqual(['filesystem frozen', 'disk copied to backup storage', 'backup checksum verified']);

  // Rules refuse with 409 and say which rule.
  const cancel = await fetch(`${url}/api/tasks/${id}/cancel`, { method: 'POST', headers: fromConsole });
  expect(cancel.status).toBe(409);
  expect(((await cancel.json()) as { message: string }).message).toMatch(/already completed/);
  expect((await fetch(`${url}/api/tasks/${id}/retry`, { method: 'POST', headers: fromConsole })).status).toBe(409);

  const workers = (await (await fetch(`${url}/api/workers`, { headers: { cookie } })).json()) as { kind: string; status: string }[];
  expect(workers.map((w) => [w.kind, w.status])).toEqual([
    ['workflow', 'polling'],
    ['activity', 'polling'],
  ]);

  // Every event of the run is projected: created, started, three steps (line and progress each), completed.
  const readyAfter = (await (await fetch(`${url}/readyz`, { headers: { cookie } })).json()) as {
    details: { projections: Record<string, { checkpoint: number; lag: number }> };
  };
  expect(readyAfter.details.projections['task-list']).toMatchObject({ checkpoint: 9, lag: 0 });

  expect(await tasks.stop('SIGTERM'), tasks.log).toBe(0);

  // Open consoles do not hold the gateway: with live streams open, SIGTERM still drains and exits 0 within seconds
  // (Kubernetes kills it 30 s after SIGTERM, before projections and NATS are drained).
  const streams = await Promise.all(
    Array.from({ length: 4 }, async () => {
      const res = await fetch(`${url}/api/live`, { headers: { cookie, accept: 'text/event-stream' } });
      expect(res.status).toBe(200);
      const reader = res.body!.getReader();
      expect(new TextDecoder().decode((await reader.read()).value)).toContain('retry:');
      return reader;
    }),
  );
  const started = Date.now();
  const exit = await Promise.race([gateway.stop('SIGTERM'), sleep(5_000).then(() => 'still running after 5 s')]);
  expect(exit, gateway.log).toBe(0);
  expect(Date.now() - started).toBeLessThan(5_000);
  // Each stream was ended by the gateway, not left to die with the socket.
  for (const reader of streams) {
    let done = false;
    while (!done) done = (await reader.read().catch(() => ({ done: true }))).done;
  }
});
