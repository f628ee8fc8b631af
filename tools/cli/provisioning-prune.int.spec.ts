import { eventRegistry, streamName } from '@opsledger/contracts';
import { contextSchema } from '@opsledger/db';
import { ensureEventStream, ProjectionRunner } from '@opsledger/eventstore';
import { dropContextSchemas, provisioningLogProjection, recordAttemptEvent } from '@opsledger/gateway/testing';
import { readManifest } from '@opsledger/dev/manifest';
import {
  createTestDatabase,
  createTestNats,
  freePort,
  repoRoot,
  ServiceProcess,
  type TestDatabase,
  type TestNats,
  testEnv,
} from '@opsledger/testing';
import { userInfo } from 'node:os';
import { execFile } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, it } from 'vitest';

const run = promisify(execFile);
const DAY = 86_400_000;
let pg: TestDatabase;
let nats: TestNats;
let schema: string;

let service: ServiceProcess;
let serviceUrl: string;

beforeAll(async () => {
  pg = await createTestDatabase();
  nats = await createTestNats();
  schema = contextSchema('provisioning', nats.prefix);
  await ensureEventStream(nats.jsm, 'provisioning', { prefix: nats.prefix });
  // The provisioning service answers the prune command (no worker: a prune needs no Temporal).
  const entry = readManifest().find((p) => p.name === 'provisioning')!;
  const port = await freePort();
  serviceUrl = `http://127.0.0.1:${port}`;
  service = ServiceProcess.start('provisioning', entry.entry, {
    OPSLEDGER_PREFIX: nats.prefix,
    NATS_URL: nats.url,
    TEMPORAL_ADDRESS: `127.0.0.1:${await freePort()}`,
    PROVISIONING_RUN_WORKER: 'false',
    [entry.portVariable]: String(port),
  });
  await service.waitReady(`${serviceUrl}/readyz`);
});
afterAll(async () => {
  await service?.stop();
  await dropContextSchemas(pg, nats.prefix);
  await nats?.dispose();
  await pg?.dispose();
});

/** The operator CLI as a scheduler would run it, on this test's database and prefix. */
async function opsledger(...args: string[]) {
  try {
    const { stdout, stderr } = await run('bash', [`${repoRoot}tools/cli/opsledger.sh`, ...args], {
      env: { ...process.env, DATABASE_URL: testEnv.databaseUrl, NATS_URL: nats.url, OPSLEDGER_PREFIX: nats.prefix },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}
const rows = async () =>
  (await pg.db.withSchema(schema).selectFrom('provisioning_log').select('id').orderBy('id').execute()).map((r) => r.id as string);
/** The domains the search can find (the projection's subjects table). */
const searchable = async () =>
  (await pg.db.withSchema(schema).selectFrom('provisioning_log_subject').select('domain').orderBy('domain').execute()).map(
    (r) => r.domain as string,
  );
/** How many attempts each searchable domain has, as the search's totals read them. */
const attemptsByDomain = async () =>
  Object.fromEntries(
    (await pg.db.withSchema(schema).selectFrom('provisioning_log_subject_attempts').select(['domain', 'attempts']).execute()).map((r) => [
      r.domain as string,
      Number(r.attempts),
    ]),
  );
const attemptMessages = async () =>
  (await nats.jsm.streams.info(streamName('provisioning', nats.prefix), { subjects_filter: `${nats.prefix}.evt.provisioning.attempt.>` }))
    .state.subjects ?? {};

/** How far the provisioning service's attempt index is behind the stream. */
const indexLag = async () => {
  const ready = (await (await fetch(`${serviceUrl}/readyz`)).json()) as { details: { projections: Record<string, { lag: number }> } };
  return ready.details.projections['provisioning-attempt-index']?.lag ?? -1;
};

/** Projects the stream into the read model (rebuilt from the start if asked) until its ids are as `done` wants. */
async function project(done: (ids: string[]) => boolean, rebuild = false) {
  const runner = new ProjectionRunner(
    { db: pg.db, js: nats.js, jsm: nats.jsm, registry: eventRegistry, prefix: nats.prefix },
    provisioningLogProjection(schema),
  );
  if (rebuild) await runner.rebuild();
  await runner.start();
  try {
    for (let i = 0; i < 200 && !done(await rows()); i++) await sleep(50);
  } finally {
    await runner.stop();
  }
}

it('prune --days=90 removes exactly the entries older than 90 days, from the read model and the stream; --dry-run only counts', async () => {
  const ages = { a100: 100, b365: 365, c91: 91, d89: 89, e1: 1, f0: 0 };
  for (const [id, age] of Object.entries(ages))
    await recordAttemptEvent(nats, { id, domain: `${id}.example`, success: age % 2 === 0, at: new Date(Date.now() - age * DAY) });
  // A second attempt on e1's service, old enough to go: e1 stays searchable, with one attempt fewer.
  await recordAttemptEvent(nats, { id: 'g120', domain: 'e1.example', success: true, at: new Date(Date.now() - 120 * DAY) });
  await project((ids) => ids.length === 7);
  expect(await rows()).toEqual(['a100', 'b365', 'c91', 'd89', 'e1', 'f0', 'g120']);
  expect(await searchable()).toHaveLength(6);
  expect(await attemptsByDomain()).toEqual({
    'a100.example': 1,
    'b365.example': 1,
    'c91.example': 1,
    'd89.example': 1,
    'e1.example': 2,
    'f0.example': 1,
  });
  // The service's own index has them too.
  await expect.poll(indexLag, { timeout: 10_000 }).toBe(0);

  const dry = await opsledger('provisioning', 'prune', '--days=90', '--dry-run');
  expect(dry).toMatchObject({ code: 0 });
  expect(dry.stdout).toMatch(/^dry run: 4 provisioning log entries older than 90 days/);
  expect(await rows()).toHaveLength(7);
  expect(Object.keys(await attemptMessages())).toHaveLength(7);

  const pruned = await opsledger('provisioning', 'prune', '--days=90');
  expect(pruned).toMatchObject({ code: 0 });
  expect(pruned.stdout).toMatch(/^removed 4 provisioning log entries older than 90 days .*; 4 events purged/);
  // The read model drops the rows when it projects the prune's event, and their subjects' counts with them.
  await project((ids) => ids.length === 3);
  expect(await rows()).toEqual(['d89', 'e1', 'f0']);
  expect(await searchable()).toEqual(['d89.example', 'e1.example', 'f0.example']);
  const left = { 'd89.example': 1, 'e1.example': 1, 'f0.example': 1 };
  expect(await attemptsByDomain()).toEqual(left);
  expect(Object.keys(await attemptMessages()).sort()).toEqual(
    ['d89', 'e1', 'f0'].map((id) => `${nats.prefix}.evt.provisioning.attempt.${id}`),
  );

  // The prune is an event with the CLI's operator as its actor and `cli` as its source.
  const [prune] = await nats.jsm.streams
    .getMessage(streamName('provisioning', nats.prefix), { last_by_subj: `${nats.prefix}.evt.provisioning.log-prune.>` })
    .then((m) => [m]);
  expect(prune!.header.get('Ops-Source')).toBe('cli');
  expect(prune!.header.get('Ops-Actor')).toMatch(new RegExp(`^system:${userInfo().username}@`));

  // A second run finds nothing; a rebuild from the stream brings none of the pruned back.
  await expect.poll(indexLag, { timeout: 10_000 }).toBe(0);
  expect((await opsledger('provisioning', 'prune', '--days=90')).stdout).toMatch(/^removed 0 /);
  await project((ids) => ids.length === 3, true);
  await sleep(200);
  expect(await rows()).toEqual(['d89', 'e1', 'f0']);
  expect(await attemptsByDomain()).toEqual(left);
});

it('a missing or malformed --days is refused, naming the option, and nothing is removed', async () => {
  for (const args of [[], ['--days=abc'], ['--days=0'], ['--days=1.5']]) {
    const result = await opsledger('provisioning', 'prune', ...args);
    expect(result.code).toBe(64);
    expect(result.stderr).toMatch(/^--days: required, a whole number of days of at least 1/);
  }
  expect(await rows()).toEqual(['d89', 'e1', 'f0']);
});
