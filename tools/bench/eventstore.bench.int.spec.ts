import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';

// Benchmarks never fail on a number; this only keeps the benchmark itself
// working (a small run must print every figure beside its raw limit).
it('the event store benchmark runs and prints each figure with its ratio to the raw limit', async () => {
  const script = fileURLToPath(new URL('./eventstore.bench.ts', import.meta.url));
  const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', script], {
    env: { ...process.env, BENCH_EVENTS: '2000', BENCH_SUSTAIN_SECONDS: '1' },
  });
  expect(stdout).toMatch(/raw JetStream async publish\s+[\d,]+ \/s/);
  expect(stdout).toMatch(/event-store append .*\s+[\d,]+ \/s\s+\d+ % of raw JetStream async publish/);
  expect(stdout).toMatch(/raw Postgres COPY\s+[\d,]+ \/s/);
  expect(stdout).toMatch(/projector apply .*\s+[\d,]+ \/s\s+\d+ % of raw Postgres COPY/);
  expect(stdout).toMatch(/psql \\copy of the same rows\s+[\d,]+ \/s\s+\d+ % of raw Postgres COPY/);
  expect(stdout).toMatch(/task-list projection \(real, one task at a time\)\s+[\d,]+ \/s\s+\d+ % of raw Postgres COPY/);
  expect(stdout).toMatch(/task-list projection \(real, 1,000 tasks in flight\)\s+[\d,]+ \/s\s+\d+ % of raw Postgres COPY/);
  expect(stdout).toMatch(/ip-log projection \(real, 1,000 sign-ins in flight\)\s+[\d,]+ \/s\s+\d+ % of raw Postgres COPY/);
  expect(stdout).toMatch(/audit-log projection \(real\)\s+[\d,]+ \/s\s+\d+ % of raw Postgres COPY/);
  expect(stdout).toMatch(/provisioning-log projection \(real\)\s+[\d,]+ \/s\s+\d+ % of raw Postgres COPY/);
  expect(stdout).toMatch(/sustained [\d,]+ events\/s for 1 s, .*p50 \d+ ms, p99 \d+ ms, slowest \d+ ms \(1000 of 1000 seen/);
  expect(stdout).toMatch(/projected rows: 2,000 of 2,000/);
});
