// List pages at scale, measured as a user would: N rows written straight into the Tasks and Provisioning Log read
// models (no events: this measures reads), a gateway process started on that schema as the image runs it (built,
// with the image's node flags), and per resource and filter the page's p50/p99 through the API and the gateway's own
// time (its Server-Timing header) beside the same SQL run raw (the statements the list reader issues, captured and
// replayed on one connection), then a CSV export of the whole Tasks list with the gateway's memory sampled.
// Prints figures; never fails on a number. Drops its schemas and streams afterwards.
//   BENCH_ROWS=1000000 npm run bench:lists        (or: npm run bench:lists -- --rows 1000000; default 10,000,000)
//   BENCH_REQUESTS=30 per case; BENCH_CSV=0 skips the export
import {
  dropContextSchemas,
  ListReader,
  parseListQuery,
  type Principal,
  provisioningLogProjection,
  provisioningLogResource,
  type ResourceSpec,
  taskListProjection,
  tasksResource,
  identityDb,
  seedAccounts,
  seedProvisioningLog,
  seedTasks,
  signIn,
} from '@opsledger/gateway/testing';
import { contextSchema, migrateToLatest } from '@opsledger/db';
import { createTestDatabase, createTestNats, ServiceProcess, testEnv } from '@opsledger/testing';
import { CompiledQuery, Kysely, PostgresDialect, sql } from 'kysely';
import { cpus } from 'node:os';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { startBuiltGateway } from './src/built-gateway';

const { values: args } = parseArgs({ options: { rows: { type: 'string' } }, allowPositionals: true });
const rows = Number(args.rows ?? process.env.BENCH_ROWS ?? 10_000_000);
const requests = Number(process.env.BENCH_REQUESTS ?? 30);
const withCsv = process.env.BENCH_CSV !== '0';
const CHUNK = 500_000;

const pgdb = await createTestDatabase('opsledger-bench-lists');
const nats = await createTestNats();
const prefix = nats.prefix;
let gateway: ServiceProcess | undefined;
const log = (line: string) => console.log(line);
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
const ms = (n: number) => `${n.toFixed(1)} ms`;

/** The seeded tables, their projection migrations run first (as the gateway would) so the gateway finds them current. */
const tables = [
  { projection: taskListProjection(contextSchema('tasks', prefix)), table: 'task', seed: seedTasks },
  { projection: provisioningLogProjection(contextSchema('provisioning', prefix)), table: 'provisioning_log', seed: seedProvisioningLog },
];

try {
  log(
    `Ops Ledger list benchmark: ${fmt(rows)} rows in each of tasks and provisioning_log, ${requests} requests per case, ${cpus().length} cores\n`,
  );

  // 1. Seed: the tables without their secondary indexes, filled in chunks, then the indexes built once, analyzed, vacuumed.
  const seedStart = Date.now();
  for (const { projection, table, seed } of tables) {
    const schema = projection.schema;
    await migrateToLatest(pgdb.db, schema, projection.migrations!, `${projection.name.replaceAll('-', '_')}_migration`);
    const { rows: indexes } = await sql<{ name: string; def: string }>`
      select indexname as name, indexdef as def from pg_indexes
      where schemaname = ${schema} and tablename = ${table} and indexname not like '%_pkey'`.execute(pgdb.db);
    for (const { name } of indexes) await sql`drop index ${sql.table(`${schema}.${name}`)}`.execute(pgdb.db);
    for (let from = 1; from <= rows; from += CHUNK) await seed(pgdb.db, schema, from, Math.min(rows, from + CHUNK - 1), rows);
    for (const { def } of indexes) await sql.raw(def).execute(pgdb.db);
    // Every table of the read model (the Provisioning Log's search subjects too), as autovacuum would have by now.
    for (const t of projection.tables) await sql`vacuum analyze ${sql.table(`${schema}.${t}`)}`.execute(pgdb.db);
  }
  log(`seeded and indexed in ${((Date.now() - seedStart) / 1000).toFixed(0)} s\n`);

  // 2. A gateway process on these schemas, built and started as the image starts it.
  const started = await startBuiltGateway(nats);
  gateway = started.process;
  const { url, rss } = started;
  const accounts = await seedAccounts(await identityDb(pgdb, prefix));
  const { cookie } = await signIn(url, accounts.admin.email, accounts.password);
  // Idle memory: 30 s after the process started, before any list request.
  await new Promise((r) => setTimeout(r, Math.max(0, 30_000 - (Date.now() - started.startedAt))));
  log(`gateway idle RSS 30 s after start: ${fmt(rss())} MB (built, ${started.nodeFlags.join(' ')})\n`);

  // The reader's statements for a request, captured from a reader in this process (same code, same database).
  const pool = new pg.Pool({ connectionString: testEnv.databaseUrl, max: 2 });
  let captured: CompiledQuery[] = [];
  const capture = new Kysely<any>({ dialect: new PostgresDialect({ pool }), log: (e) => void captured.push(e.query) });
  const admin: Principal = { id: accounts.admin.id, email: accounts.admin.email, name: 'Admin', role: 'admin', via: 'session' };
  const raw = await pool.connect();

  const hour = new Date(Date.now() - 3_600_000).toISOString();
  const cases: [ResourceSpec<any>, string, Record<string, unknown>][] = [
    [tasksResource, 'first page, newest first', {}],
    [tasksResource, 'oldest first', { sort: ['createdAt', 'ASC'] }],
    [tasksResource, 'status=failed', { filter: { status: 'failed' } }],
    [tasksResource, 'status=pending', { filter: { status: 'pending' } }],
    [tasksResource, 'type=instance.backup', { filter: { type: 'instance.backup' } }],
    [tasksResource, 'type=instance.deploy + status=failed', { filter: { type: 'instance.deploy', status: 'failed' } }],
    [tasksResource, 'type=instance.migrate + status=pending (none)', { filter: { type: 'instance.migrate', status: 'pending' } }],
    [tasksResource, 'hypervisorId=hv-17', { filter: { hypervisorId: 'hv-17' } }],
    [tasksResource, 'instanceId=inst-4242', { filter: { instanceId: 'inst-4242' } }],
    [tasksResource, 'userId=user-42', { filter: { userId: 'user-42' } }],
    [tasksResource, 'created in the last hour', { filter: { createdAt_gte: hour } }],
    [tasksResource, 'hv-17, last hour', { filter: { hypervisorId: 'hv-17', createdAt_gte: hour } }],
    [tasksResource, 'sort updatedAt', { sort: ['updatedAt', 'DESC'] }],
    [tasksResource, 'sort type', { sort: ['type', 'ASC'] }],
    [tasksResource, 'sort status', { sort: ['status', 'DESC'] }],
    [tasksResource, 'sort progress', { sort: ['progress', 'ASC'] }],
    [tasksResource, 'page at offset 9,975 (deepest by OFFSET)', { range: [9_975, 9_999] }],
    [provisioningLogResource, 'first page, newest first', {}],
    [provisioningLogResource, 'status=failed', { filter: { status: 'failed' } }],
    [provisioningLogResource, 'status=success', { filter: { status: 'success' } }],
    [provisioningLogResource, 'action=terminate', { filter: { action: 'terminate' } }],
    [provisioningLogResource, 'action=suspend + status=failed', { filter: { action: 'suspend', status: 'failed' } }],
    [provisioningLogResource, 'serviceId=svc-4242', { filter: { serviceId: 'svc-4242' } }],
    [provisioningLogResource, 'created in the last hour', { filter: { createdAt_gte: hour } }],
    [provisioningLogResource, 'q=site4242.example', { filter: { q: 'site4242.example' } }],
    [provisioningLogResource, 'q=Client 1234', { filter: { q: 'Client 1234' } }],
    [provisioningLogResource, 'q=Client 1234 + status=failed (none)', { filter: { q: 'Client 1234', status: 'failed' } }],
    [provisioningLogResource, 'q=site (every service: read in order)', { filter: { q: 'site' } }],
  ];
  const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]!;
  /** Times `run` n times; what it returns (the gateway's Server-Timing parts) is collected per part. */
  const timed = async (n: number, run: () => Promise<Record<string, number> | void>) => {
    for (let i = 0; i < 3; i++) await run(); // warm caches and plans
    const xs: number[] = [];
    const parts: Record<string, number[]> = {};
    for (let i = 0; i < n; i++) {
      const t0 = performance.now();
      const server = await run();
      xs.push(performance.now() - t0);
      for (const [part, dur] of Object.entries(server ?? {})) (parts[part] ??= []).push(dur);
    }
    const server = (part: string, p: number) => (parts[part] ? pct(parts[part], p) : NaN);
    return { p50: pct(xs, 50), p99: pct(xs, 99), server };
  };
  const serverTiming = (res: Response) =>
    Object.fromEntries(
      [...(res.headers.get('server-timing') ?? '').matchAll(/(\w+);dur=([\d.]+)/g)].map(([, part, dur]) => [part!, Number(dur)]),
    );

  // The gateway's floor: an authenticated request that reads nothing (session check, Nest's pipeline, a small JSON body).
  const floor = await timed(requests, async () => {
    const res = await fetch(`${url}/api/auth/me`, { headers: { cookie } });
    await res.arrayBuffer();
    if (res.status !== 200) throw new Error(`GET /api/auth/me: ${res.status}`);
    return serverTiming(res);
  });
  log(
    `floor: GET /api/auth/me (reads nothing) API p50 ${ms(floor.p50)}, p99 ${ms(floor.p99)}; gw p50 ${ms(floor.server('total', 50))}, ` +
      `p99 ${ms(floor.server('total', 99))}: "gw ≤ 1.5 × SQL" needs SQL ≥ ${ms(2 * floor.server('total', 50))} at this floor\n`,
  );
  log(
    `${'resource'.padEnd(17)}${'case'.padEnd(46)}${['API p50', 'API p99', 'gw p50', 'gw p99', 'auth p50', 'list p50', 'SQL p50', 'SQL p99'].map((h) => h.padStart(10)).join('')}${'gw/SQL p50'.padStart(12)}  total`,
  );
  for (const [spec, name, params] of cases) {
    const query = Object.fromEntries(Object.entries(params).map(([k, v]) => [k, JSON.stringify(v)]));
    const qs = new URLSearchParams(query).toString();
    let total = '';
    const api = await timed(requests, async () => {
      const res = await fetch(`${url}/api/${spec.resource}?${qs}`, { headers: { cookie } });
      await res.arrayBuffer();
      if (res.status !== 200) throw new Error(`${spec.resource}?${qs}: ${res.status}`);
      total = `${res.headers.get('content-range')?.split('/')[1]}${res.headers.get('x-total-estimated') ? ' (est.)' : ''}`;
      return serverTiming(res);
    });
    captured = [];
    await new ListReader(capture.withSchema(contextSchema(spec === tasksResource ? 'tasks' : 'provisioning', prefix))).page(
      spec,
      parseListQuery(spec, query),
      admin,
    );
    const statements = [...captured];
    const rawTime = await timed(requests, async () => {
      for (const s of statements) await raw.query(s.sql, [...s.parameters]);
    });
    log(
      `${spec.resource.padEnd(17)}${name.padEnd(46)}` +
        [
          api.p50,
          api.p99,
          api.server('total', 50),
          api.server('total', 99),
          api.server('auth', 50),
          api.server('list', 50),
          rawTime.p50,
          rawTime.p99,
        ]
          .map((t) => ms(t).padStart(10))
          .join('') +
        `${`${(api.server('total', 50) / rawTime.p50).toFixed(2)} ×`.padStart(12)}  ${total}`,
    );
  }
  const deep = await fetch(`${url}/api/tasks?range=${encodeURIComponent('[1000000,1000024]')}`, { headers: { cookie } });
  log(
    `\npage at offset 1,000,000 with no page read before it: HTTP ${deep.status} (${((await deep.json()) as { message?: string }).message ?? ''})`,
  );
  log(
    "(API = the request as Node's fetch sees it; gw = the gateway's own time, its Server-Timing total from arrival to headers, " +
      'of which auth = the session check and list = the list reader; ' +
      'SQL = the statements the list reader issues for that request, replayed one after another on one connection; the gateway runs page and count at once)',
  );

  // 3. CSV export of the whole Tasks list, the gateway's memory sampled every 50 ms.
  if (withCsv) {
    await new Promise((r) => setTimeout(r, 2_000));
    const before = rss();
    let peak = before;
    const sampler = setInterval(() => (peak = Math.max(peak, rss())), 50);
    const t0 = performance.now();
    const res = await fetch(`${url}/api/tasks?format=csv`, { headers: { cookie } });
    let lines = 0;
    let bytes = 0;
    for await (const chunk of res.body!) {
      bytes += chunk.length;
      for (let i = 0; i < chunk.length; i++) if (chunk[i] === 10) lines++;
    }
    const seconds = (performance.now() - t0) / 1000;
    clearInterval(sampler);
    const exported = lines - 1;
    log(
      `\nCSV export of tasks: ${fmt(exported)} rows (${fmt(bytes / 1e6)} MB) in ${seconds.toFixed(1)} s = ${fmt(exported / seconds)} rows/s; ` +
        `gateway RSS ${fmt(before)} MB before, peak ${fmt(peak)} MB (+${fmt(peak - before)} MB)`,
    );
  }
  raw.release();
  await capture.destroy();
} finally {
  await gateway?.stop('SIGKILL');
  await dropContextSchemas(pgdb, prefix);
  await nats.dispose();
  await pgdb.dispose();
}
