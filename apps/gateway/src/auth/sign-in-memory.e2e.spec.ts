// A burst of guesses costs the gateway only the hashes it allows at once: every guess is an argon2 hash, and at the
// library's defaults (64 MiB each, four at once on libuv's pool) a burst alone filled the pod's 256 MiB limit
// (k8s/base/gateway.yaml). The test measures the gateway process's resident memory (/proc/<pid>/status) around 50
// parallel wrong sign-ins. What it cannot hold to the limit is the gateway at rest: under tsx it already sits at
// 170-290 MiB depending on V8's heap sizing, which it prints.
import { createTestDatabase, createTestNats, freePort, ServiceProcess, type TestDatabase, type TestNats } from '@opsledger/testing';
import { readFileSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { dropContextSchemas, identityDb, seedAccounts, signIn } from './../test-support/test-gateway';
import { HASH_CONCURRENCY, HASH_OPTIONS } from './secrets';

const POD_LIMIT_MIB = 256;
/** What the burst may add: the hashes allowed at once, and room for 50 requests, their queries and their events. */
const BURST_BUDGET_MIB = (HASH_CONCURRENCY * HASH_OPTIONS.memoryCost) / 1024 + 32;

let pg: TestDatabase;
let nats: TestNats;
let gateway: ServiceProcess;
let url: string;
let accounts: Awaited<ReturnType<typeof seedAccounts>>;

beforeAll(async () => {
  pg = await createTestDatabase();
  nats = await createTestNats();
  accounts = await seedAccounts(await identityDb(pg, nats.prefix));
  const port = await freePort();
  url = `http://127.0.0.1:${port}`;
  gateway = ServiceProcess.start('gateway', 'apps/gateway/src/main.ts', {
    OPSLEDGER_PREFIX: nats.prefix,
    NATS_URL: nats.url,
    GATEWAY_PORT: String(port),
    // The throttle would refuse most of the burst before any hash: let every guess reach a password check.
    LOGIN_MAX_FAILURES_PER_ACCOUNT_AND_IP: '1000',
    LOGIN_MAX_FAILURES_PER_ACCOUNT: '1000',
    LOGIN_MAX_FAILURES_PER_IP: '1000',
  });
  await gateway.waitReady(`${url}/readyz`);
});
afterAll(async () => {
  await gateway?.stop('SIGKILL');
  if (nats) await dropContextSchemas(pg, nats.prefix);
  await nats?.dispose();
  await pg?.dispose();
});

/** Peak and current resident memory of a process, in MiB, from /proc/<pid>/status. */
function memoryMiB(pid: number) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  return { peak: kib('VmHWM') / 1024, now: kib('VmRSS') / 1024 };
}

it('50 parallel wrong sign-ins (known and unknown accounts) add no more than the hashes allowed at once', async () => {
  const pid = gateway.pid!;
  // A warm gateway (each code path loaded once), as in a pod that has served a while.
  for (const email of ['nobody@example.test', accounts.bob.email]) await signIn(url, email, 'warm-up-guess');
  // Reset the process's peak (VmHWM) so it holds the burst's peak alone; sampling is the fallback where that is refused.
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
  } catch {
    // sampled below
  }
  const before = memoryMiB(pid);
  let peak = before.peak;
  const sampler = setInterval(() => (peak = Math.max(peak, memoryMiB(pid).now)), 20);
  const emails = [accounts.admin.email, accounts.alice.email, accounts.bob.email, 'nobody@example.test', 'ghost@example.test'];
  const started = Date.now();
  const statuses = await Promise.all(
    Array.from({ length: 50 }, (_, i) => signIn(url, emails[i % emails.length]!, `wrong-guess-${i}`).then((r) => r.res.status)),
  );
  clearInterval(sampler);
  peak = Math.max(peak, memoryMiB(pid).peak);
  console.log(
    `sign-in burst: 50 in ${Date.now() - started} ms; RSS before ${before.now.toFixed(0)} MiB, peak ${peak.toFixed(0)} MiB ` +
      `(+${(peak - before.now).toFixed(0)}, budget ${BURST_BUDGET_MIB.toFixed(0)}; pod limit ${POD_LIMIT_MIB})`,
  );
  expect(statuses.every((s) => s === 401)).toBe(true);
  expect(peak - before.now).toBeLessThan(BURST_BUDGET_MIB);
  // The right password still signs in after the burst.
  expect((await signIn(url, accounts.alice.email, accounts.password)).res.status).toBe(200);
});
