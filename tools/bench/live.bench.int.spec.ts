import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';

// Benchmarks never fail on a number; this keeps the live benchmark working on a small run, and checks what is not a
// number: every stream received every notice.
it('the live-update benchmark opens its streams, delivers every notice to each, and prints the fan-out', async () => {
  const script = fileURLToPath(new URL('./live.bench.ts', import.meta.url));
  const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', script], {
    env: { ...process.env, BENCH_STREAMS: '200', BENCH_NOTICES: '3' },
    // Stopped (SIGTERM: it cleans up) before the test's own time runs out.
    timeout: 100_000,
  });
  expect(stdout).toMatch(
    /opened 200 streams \(5 sessions of 1 admin accounts\) in [\d.]+ s; gateway RSS [\d,]+ MB before, [\d,]+ MB with them open/,
  );
  expect(stdout).toMatch(/append → first stream: p50 [\d.]+ ms, p99 [\d.]+ ms/);
  expect(stdout).toMatch(/fan-out, each stream after the first \(597 arrivals\): p50 [\d.]+ ms, p99 [\d.]+ ms/);
  expect(stdout).toMatch(/fan-out, first to last stream per notice: p50 [\d.]+ ms, p99 [\d.]+ ms/);
  expect(stdout).toContain('notices that never reached a stream within 30 s: 0 of 600');
});
