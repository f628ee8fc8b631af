import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startPlatform } from './test-support/platform';
import { signIn } from './test-support/test-gateway';

let platform: Awaited<ReturnType<typeof startPlatform>>;
beforeAll(async () => {
  platform = await startPlatform();
});
afterAll(() => platform?.stop());

it('every service answers /readyz 200; a task created over HTTP runs to completion on the worker; SIGTERM drains and exits 0', async () => {
  const { url, accounts, tasks, gateway } = platform;
  const ready = (await (await fetch(`${url}/readyz`)).json()) as { details: Record<string, { status: string }> };
  expect(Object.keys(ready.details).sort()).toEqual(['nats', 'postgres', 'projections']);
  expect((await fetch(`${platform.tasksUrl}/readyz`)).status).toBe(200);

  const { cookie } = await signIn(url, accounts.admin.email, accounts.password);
  const post = (body: unknown) =>
    fetch(`${url}/api/tasks`, { method: 'POST', headers: { cookie, 'content-type': 'application/json' }, body: JSON.stringify(body) });

  // The tasks service's validation error crosses NATS and the gateway as a 400 naming the field.
  const invalid = await post({ type: 'instance.explode', target: { userId: 'u-9', hypervisorId: 'hv-2', instanceId: 'vm-7' } });
  expect(invalid.status).toBe(400);
  expect(((await invalid.json()) as { violations: { field: string }[] }).violations.map((v) => v.field)).toEqual(['type']);

  const created = await post({ type: 'instance.backup', target: { userId: accounts.alice.id, hypervisorId: 'hv-2', instanceId: 'vm-7' } });
  expect(created.status).toBe(201);
  const { id } = (await created.json()) as { id: string };

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
  const cancel = await fetch(`${url}/api/tasks/${id}/cancel`, { method: 'POST', headers: { cookie } });
  expect(cancel.status).toBe(409);
  expect(((await cancel.json()) as { message: string }).message).toMatch(/already completed/);
  expect((await fetch(`${url}/api/tasks/${id}/retry`, { method: 'POST', headers: { cookie } })).status).toBe(409);

  const workers = (await (await fetch(`${url}/api/workers`, { headers: { cookie } })).json()) as { kind: string; status: string }[];
  expect(workers.map((w) => [w.kind, w.status])).toEqual([
    ['workflow', 'polling'],
    ['activity', 'polling'],
  ]);

  // Every event of the run is projected: created, started, three steps (line and progress each), completed.
  const readyAfter = (await (await fetch(`${url}/readyz`)).json()) as {
    details: { projections: Record<string, { checkpoint: number; lag: number }> };
  };
  expect(readyAfter.details.projections['task-list']).toMatchObject({ checkpoint: 9, lag: 0 });

  expect(await tasks.stop('SIGTERM'), tasks.log).toBe(0);
  expect(await gateway.stop('SIGTERM'), gateway.log).toBe(0);
});
