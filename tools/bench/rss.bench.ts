// Idle memory of every process of the platform (#14 item 5: each under 120 MB):
// the whole platform started as the e2e tests start it, an admin signed in three times,
// then, 30 s after every process answered /readyz, each one's resident set (VmRSS, /proc/<pid>/status)
// and a summary of its heap (process.memoryUsage, V8's heap spaces, the
// CommonJS modules it has loaded by package), which each process prints on
// SIGUSR2 through a preloaded handler.
//   npm run bench:rss                      the build (npm run build first, as the image runs it)
//   BENCH_RSS_RUN=source npm run bench:rss  every main.ts under tsx
// Prints figures; never fails on a number.
import { buildAll } from '@opsledger/dev/build';
import { imageRuntime } from '@opsledger/dev/image-runtime';
import { startPlatform } from '@opsledger/dev/platform';
import { signIn } from '@opsledger/gateway/testing';
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

const run = process.env.BENCH_RSS_RUN === 'source' ? 'source' : 'built';
const IDLE_MS = Number(process.env.BENCH_RSS_IDLE_MS ?? 30_000);
const MIB = 1024 * 1024;
const pick = (from: NodeJS.ProcessEnv, keys: string[]) =>
  Object.fromEntries(keys.flatMap((k) => (from[k] === undefined ? [] : [[k, from[k]!]])));

/** Preloaded into every process: on SIGUSR2, one line `memory-report {json}` on stderr. */
const reporter = `
import v8 from 'node:v8';
import Module from 'node:module';
process.on('SIGUSR2', () => {
  const byPackage = {};
  for (const file of Object.keys(Module._cache ?? {})) {
    const m = /node_modules\\/((?:@[^/]+\\/)?[^/]+)/.exec(file);
    const key = m ? m[1] : 'other';
    byPackage[key] = (byPackage[key] ?? 0) + 1;
  }
  const spaces = Object.fromEntries(v8.getHeapSpaceStatistics().map((s) => [s.space_name, s.space_used_size]));
  const heap = v8.getHeapStatistics();
  console.error('memory-report ' + JSON.stringify({ usage: process.memoryUsage(), spaces, heap, byPackage }));
});`;
// Built, each process runs with the image's node flags and malloc settings (deploy/Dockerfile). Node options of the
// bench's own environment (e.g. NODE_OPTIONS=--max-semi-space-size=1 to try a V8 setting) come after them and win.
const image = run === 'built' ? imageRuntime() : { nodeFlags: [], env: {} };
const preload = [`--import=data:text/javascript,${encodeURIComponent(reporter)}`, ...image.nodeFlags, process.env.NODE_OPTIONS ?? '']
  .join(' ')
  .trim();

const started = Date.now();
if (run === 'built') await buildAll();
const built = Date.now();
const names = ['tasks', 'provisioning', 'scheduler', 'email', 'logins', 'audit', 'gateway'];
const platform = await startPlatform({
  run,
  env: Object.fromEntries(names.map((n) => [n, { ...image.env, ...pick(process.env, Object.keys(image.env)), NODE_OPTIONS: preload }])),
});
const ready = Date.now();
try {
  // At rest as in use: after sign-ins (each hashes with argon2's 19 MiB; glibc keeps the first block's size in mind,
  // so it is the second that can stay resident), the logins service recording and placing each attempt.
  for (let i = 0; i < 3; i++) {
    const { res } = await signIn(platform.url, platform.accounts.admin.email, platform.accounts.password);
    if (!res.ok) throw new Error(`sign-in: HTTP ${res.status}`);
  }
  await sleep(IDLE_MS);
  const status = (pid: number) => readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (text: string, field: string) => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(text)?.[1] ?? 0) / 1024;
  console.log(
    `Ops Ledger idle memory, ${run === 'built' ? 'built (node dist/<name>/main.mjs)' : 'from source (tsx)'}: ` +
      `${run === 'built' ? `build ${((built - started) / 1000).toFixed(1)} s, ` : ''}all ready in ${((ready - built) / 1000).toFixed(1)} s, measured ${IDLE_MS / 1000} s later\n`,
  );
  console.log(
    `${'process'.padEnd(14)} ${'VmRSS'.padStart(8)} ${'RssAnon'.padStart(8)} ${'RssFile'.padStart(8)} ${'heapUsed'.padStart(9)} ${'heapTotal'.padStart(9)} ${'external'.padStart(9)}  (MiB)`,
  );
  const details: string[] = [];
  for (const [name, p] of Object.entries(platform.processes)) {
    const pid = p.pid!;
    const s = status(pid);
    process.kill(pid, 'SIGUSR2');
    let report: any;
    for (let i = 0; i < 50 && !report; i++) {
      const line = p.log.split('\n').findLast((l) => l.startsWith('memory-report '));
      if (line) report = JSON.parse(line.slice('memory-report '.length));
      else await sleep(100);
    }
    const f = (n: number) => (n / MIB).toFixed(1).padStart(9);
    console.log(
      `${name.padEnd(14)} ${kb(s, 'VmRSS').toFixed(1).padStart(8)} ${kb(s, 'RssAnon').toFixed(1).padStart(8)} ${kb(s, 'RssFile').toFixed(1).padStart(8)}` +
        (report ? `${f(report.usage.heapUsed)}${f(report.usage.heapTotal)}${f(report.usage.external)}` : '   (no heap report)'),
    );
    if (report) {
      const spaces = Object.entries(report.spaces as Record<string, number>)
        .filter(([, v]) => v > MIB)
        .map(([k, v]) => `${k} ${(v / MIB).toFixed(1)}`)
        .join(', ');
      const modules = Object.entries(report.byPackage as Record<string, number>)
        .sort((a, b) => b[1] - a[1])
        .slice(0, 8)
        .map(([k, v]) => `${k} ${v}`)
        .join(', ');
      details.push(`${name}: heap spaces used (MiB): ${spaces}\n  CommonJS modules loaded, by package (top 8): ${modules}`);
    }
  }
  console.log(`\n${details.join('\n')}`);
} finally {
  await platform.stop();
}
