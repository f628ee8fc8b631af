// Time from POST /api/tasks to `completed` visible through the API, for a batch
// of deploys whose hypervisor steps take no time, split into:
//   Temporal time    POST sent → TaskCompleted written by the worker (command, dispatch, workflow, 5 activities)
//   projection lag   TaskCompleted written → completed visible through the API
// Every piece runs as its own process: Temporal dev server, tasks service (worker inside), gateway.
// Prints figures; never fails on a number.   BENCH_TASKS=100 npm run bench:tasks
import { startPlatform } from '@opsledger/dev/platform';
import { signIn } from '@opsledger/gateway/testing';
import { setTimeout as sleep } from 'node:timers/promises';

const count = Number(process.env.BENCH_TASKS ?? 100);
const platform = await startPlatform({ simLatencyMs: 0 });
const { url, accounts } = platform;
try {
  const { cookie } = await signIn(url, accounts.admin.email, accounts.password);
  const post = (i: number) =>
    fetch(`${url}/api/tasks`, {
      method: 'POST',
      headers: { cookie, 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'instance.deploy', target: { userId: 'bench', hypervisorId: `hv-${i % 8}`, instanceId: `vm-${i}` } }),
    }).then(async (res) => ((await res.json()) as { id: string }).id);

  // Warm up: the worker bundles its workflow code on the first task.
  const warm = await post(-1);
  for (
    let i = 0;
    i < 600 &&
    ((await (await fetch(`${url}/api/tasks/${warm}`, { headers: { cookie } })).json()) as { status: string }).status !== 'completed';
    i++
  )
    await sleep(50);

  const sentAt = new Map<string, number>();
  const started = Date.now();
  await Promise.all(
    Array.from({ length: count }, async (_, i) => {
      const t0 = Date.now();
      sentAt.set(await post(i), t0);
    }),
  );
  const seenAt = new Map<string, { visible: number; completedEvent: number }>();
  const deadline = Date.now() + 300_000;
  while (seenAt.size < count && Date.now() < deadline) {
    const res = await fetch(`${url}/api/tasks?filter=${encodeURIComponent('{"status":"completed","userId":"bench"}')}&range=[0,499]`, {
      headers: { cookie },
    });
    const now = Date.now();
    for (const t of (await res.json()) as { id: string; updatedAt: string }[]) {
      if (sentAt.has(t.id) && !seenAt.has(t.id)) seenAt.set(t.id, { visible: now, completedEvent: Date.parse(t.updatedAt) });
    }
    await sleep(10);
  }
  const elapsed = (Date.now() - started) / 1000;
  const rows = [...seenAt].map(([id, s]) => ({
    total: s.visible - sentAt.get(id)!,
    temporal: s.completedEvent - sentAt.get(id)!,
    lag: s.visible - s.completedEvent,
  }));
  const pct = (xs: number[], p: number) => xs.sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))] ?? NaN;
  const line = (name: string, xs: number[]) =>
    `${name.padEnd(34)} p50 ${String(pct(xs, 50)).padStart(6)} ms   p95 ${String(pct(xs, 95)).padStart(6)} ms   max ${String(Math.max(...xs)).padStart(6)} ms`;
  console.log(`Ops Ledger task benchmark: ${count} deploys (5 zero-latency steps each), all posted at once\n`);
  console.log(
    line(
      'POST → completed visible via API',
      rows.map((r) => r.total),
    ),
  );
  console.log(
    line(
      '  Temporal time (→ TaskCompleted)',
      rows.map((r) => r.temporal),
    ),
  );
  console.log(
    line(
      '  projection lag (→ visible)',
      rows.map((r) => r.lag),
    ),
  );
  console.log(
    `\ncompleted ${rows.length} of ${count} in ${elapsed.toFixed(1)} s: ${(rows.length / elapsed).toFixed(1)} tasks/s (Temporal dev server on SQLite; the API was polled every ~10 ms, which bounds the lag's resolution)`,
  );
} finally {
  await platform.stop();
}
