// Live updates at scale (DESIGN.md §8: 10 k concurrent SSE clients on one gateway process, notice fan-out p99 < 100 ms
// after commit), measured as the console meets them: a gateway process as the image runs it (built, its node flags),
// N streams open on GET /api/live, signed in as admins so that every stream is sent every notice (the most writes a
// notice can cause), then tasks created one after another through the event store. For each notice: the time from the
// append to its first arrival on any stream (the projection's commit is in it), and each stream's arrival after that
// first one (the fan-out). Also the gateway's RSS before and with the streams open.
// The streams are plain sockets in this process, on the same two cores as the gateway: reading 10 k sockets is a load
// of its own, so the fan-out figure is an upper bound. Prints figures; never fails on a number.
//   BENCH_STREAMS=10000 BENCH_NOTICES=50 npm run bench:live
import { ensureEventStream, EventStore } from '@opsledger/eventstore';
import { eventRegistry } from '@opsledger/contracts';
import { createAccount, dropContextSchemas, identityDb, signIn } from '@opsledger/gateway/testing';
import { createTestDatabase, createTestNats, ServiceProcess, type TestDatabase, type TestNats } from '@opsledger/testing';
import { connect, type Socket } from 'node:net';
import { cpus } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { createTask } from './src/create-task';
import { startBuiltGateway } from './src/built-gateway';

const streams = Number(process.env.BENCH_STREAMS ?? 10_000);
const notices = Number(process.env.BENCH_NOTICES ?? 50);
const STREAMS_PER_ACCOUNT = 500; // the gateway's LIVE_MAX_STREAMS_PER_USER for this run
const STREAMS_PER_SESSION = 100;
const log = (line: string) => console.log(line);
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))] ?? NaN;
const ms = (n: number) => (Number.isFinite(n) ? `${n.toFixed(1)} ms` : 'never');

const sockets: Socket[] = [];
let pgdb: TestDatabase | undefined;
let nats: TestNats | undefined;
let gateway: ServiceProcess | undefined;
let cleaning: Promise<void> | undefined;
/** Everything the run made goes, whether it ends, fails or is stopped (SIGTERM, e.g. by its spec's timeout). */
const cleanUp = () =>
  (cleaning ??= (async () => {
    for (const socket of sockets) socket.destroy();
    await gateway?.stop();
    if (pgdb && nats) await dropContextSchemas(pgdb, nats.prefix);
    await nats?.dispose();
    await pgdb?.dispose();
  })());
process.once('SIGTERM', () => void cleanUp().finally(() => process.exit(143)));
try {
  pgdb = await createTestDatabase('opsledger-bench-live');
  nats = await createTestNats();
  log(`Ops Ledger live-update benchmark: ${fmt(streams)} streams on one gateway process, ${notices} notices, ${cpus().length} cores\n`);
  const started = await startBuiltGateway(nats, { LIVE_MAX_STREAMS_PER_USER: String(STREAMS_PER_ACCOUNT), LOG_LEVEL: 'warn' });
  gateway = started.process;
  const { url, port, rss } = started;

  // Sessions: admins (they see every notice), each signed in a few times, each session holding a share of the streams.
  const identity = await identityDb(pgdb, nats.prefix);
  const password = 'correct-horse-battery';
  const cookies: string[] = [];
  const accounts = Math.ceil(streams / STREAMS_PER_ACCOUNT);
  for (let a = 0; a < accounts; a++) {
    const email = `live-${a}@example.test`;
    await createAccount(identity, { email, name: `Live ${a}`, role: 'admin', password });
    for (let s = 0; s < STREAMS_PER_ACCOUNT / STREAMS_PER_SESSION; s++) cookies.push((await signIn(url, email, password)).cookie);
  }
  await sleep(1_000);
  const idle = rss();

  // Each stream a plain socket: the request written by hand, the answer scanned for the tasks it names.
  const arrived: Map<number, number>[] = []; // per stream: notice number → when it arrived
  const open = async (i: number) => {
    const socket = connect(port, '127.0.0.1');
    socket.setNoDelay(true);
    sockets.push(socket);
    const seen = new Map<number, number>();
    arrived.push(seen);
    await new Promise<void>((resolve, reject) => {
      let opened = false;
      socket.once('error', reject);
      let tail = ''; // the end of the last read: a notice may be split between two reads
      socket.on('data', (chunk: Buffer) => {
        const now = performance.now();
        const text = tail + chunk.toString('latin1');
        tail = text.slice(-64);
        if (!opened) {
          if (!text.startsWith('HTTP/1.1 200')) return reject(new Error(`GET /api/live: ${text.split('\r\n')[0]}`));
          opened = true;
          resolve();
        }
        for (const m of text.matchAll(/"id":"live-(\d+)"/g)) if (!seen.has(Number(m[1]))) seen.set(Number(m[1]), now);
      });
      socket.write(
        `GET /api/live HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nAccept: text/event-stream\r\nCookie: ${cookies[Math.floor(i / STREAMS_PER_SESSION)]}\r\n\r\n`,
      );
    });
  };
  const openStart = performance.now();
  for (let i = 0; i < streams; i += 200) await Promise.all(Array.from({ length: Math.min(200, streams - i) }, (_, k) => open(i + k)));
  const openSeconds = (performance.now() - openStart) / 1000;
  await sleep(2_000);
  const withStreams = rss();
  log(
    `opened ${fmt(streams)} streams (${cookies.length} sessions of ${accounts} admin accounts) in ${openSeconds.toFixed(1)} s; ` +
      `gateway RSS ${fmt(idle)} MB before, ${fmt(withStreams)} MB with them open (${(((withStreams - idle) * 1024) / streams).toFixed(1)} KB a stream)\n`,
  );

  // Notices: one task created at a time, a quarter second apart, so each notice's fan-out is measured on its own.
  await ensureEventStream(nats.jsm, 'tasks', { prefix: nats.prefix });
  const store = new EventStore(nats.js, nats.jsm, eventRegistry, nats.prefix);
  const sentAt: number[] = [];
  for (let n = 0; n < notices; n++) {
    sentAt.push(performance.now());
    await createTask(store, `live-${n}`, 'live', `inst-${n}`);
    await sleep(250);
  }
  const deadline = performance.now() + 30_000;
  while (performance.now() < deadline && arrived.some((seen) => seen.size < notices)) await sleep(200);

  const toFirst: number[] = [];
  const spread: number[] = [];
  const afterFirst: number[] = [];
  let missing = 0;
  for (let n = 0; n < notices; n++) {
    const times = arrived.map((seen) => seen.get(n) ?? Infinity);
    const first = Math.min(...times);
    missing += times.filter((t) => !Number.isFinite(t)).length;
    toFirst.push(first - sentAt[n]!);
    spread.push(Math.max(...times) - first);
    times.splice(times.indexOf(first), 1);
    for (const t of times) afterFirst.push(t - first);
  }
  log(`append → first stream: p50 ${ms(pct(toFirst, 50))}, p99 ${ms(pct(toFirst, 99))} (the projection's commit is in it)`);
  log(
    `fan-out, each stream after the first (${fmt(afterFirst.length)} arrivals): p50 ${ms(pct(afterFirst, 50))}, p99 ${ms(pct(afterFirst, 99))}`,
  );
  log(`fan-out, first to last stream per notice: p50 ${ms(pct(spread, 50))}, p99 ${ms(pct(spread, 99))}`);
  log(`notices that never reached a stream within 30 s: ${fmt(missing)} of ${fmt(notices * streams)}`);
  log(`gateway RSS after: ${fmt(rss())} MB`);
} finally {
  await cleanUp();
}
