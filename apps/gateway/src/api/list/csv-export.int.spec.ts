// The CSV Postgres writes (COPY, csv-export.ts) is the CSV the keyset path writes with csv-stringify, cell for cell:
// same rows, order, scoping, quoting and formula neutralising; and a download abandoned half way gives its
// connection back, so the next export still runs.
import { contextSchema, migrateToLatest } from '@opsledger/db';
import { createTestDatabase, type TestDatabase, testEnv, uniqueToken } from '@opsledger/testing';
import type { Request, Response } from 'express';
import { sql } from 'kysely';
import { PassThrough, Writable } from 'node:stream';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Principal } from '../../auth/principal';
import { provisioningLogProjection } from '../../provisioning/provisioning-log.projection';
import { provisioningLogResource } from '../../provisioning/provisioning-log.resource';
import { seedProvisioningLog, seedTasks } from '../../test-support/list-seed';
import { taskListProjection } from '../../tasks/task-list.projection';
import { tasksResource } from '../../tasks/tasks.resource';
import { CsvExport } from './csv-export';
import { parseListQuery } from './list-query';
import { ListReader } from './list-reader';
import { respondList } from './list-responder';
import type { ResourceSpec } from './resource-spec';

let pg: TestDatabase;
let exporter: CsvExport;
const prefix = `t${uniqueToken()}`;
const tasks = taskListProjection(contextSchema('tasks', prefix));
const log = provisioningLogProjection(contextSchema('provisioning', prefix));
const admin: Principal = { id: 'admin', email: 'a@example.test', name: 'A', role: 'admin', via: 'session' };
const customer: Principal = { id: 'user-7', email: 'c@example.test', name: 'C', role: 'customer', via: 'session' };

beforeAll(async () => {
  pg = await createTestDatabase();
  for (const p of [tasks, log]) await migrateToLatest(pg.db, p.schema, p.migrations!, `${p.name.replaceAll('-', '_')}_migration`);
  await seedTasks(pg.db, tasks.schema, 1, 3_000, 3_000);
  await seedProvisioningLog(pg.db, log.schema, 1, 1_000, 1_000);
  // Cells a spreadsheet would run, and text CSV must quote: a comma, a quote, a line break, an empty text.
  const table = sql.table(`${tasks.schema}.task`);
  await sql`update ${table} set error = case id
      when 'task-000000001' then '=HYPERLINK("http://evil")' when 'task-000000002' then 'a, "quoted"
second line' when 'task-000000003' then '' when 'task-000000004' then '-1+1' else error end,
      type = case when id = 'task-000000005' then '@SUM(A1)' else type end`.execute(pg.db);
  exporter = new CsvExport(testEnv.databaseUrl);
});
afterAll(async () => {
  await exporter?.onApplicationShutdown();
  await sql`drop schema if exists ${sql.id(tasks.schema)} cascade`.execute(pg.db);
  await sql`drop schema if exists ${sql.id(log.schema)} cascade`.execute(pg.db);
  await pg?.dispose();
});

function collector() {
  const chunks: Buffer[] = [];
  const res = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk);
      done();
    },
  });
  return { res: Object.assign(res, { setHeader: () => res }) as unknown as Response, text: () => Buffer.concat(chunks).toString('utf8') };
}

async function both(spec: ResourceSpec<any>, schema: string, params: Record<string, string>, principal: Principal) {
  const reader = new ListReader(pg.db.withSchema(schema));
  const query = parseListQuery(spec, params);
  const req = { headers: { accept: 'text/csv' }, query: {} } as unknown as Request;
  const stringified = collector();
  await respondList(reader, spec, query, principal, req, stringified.res);
  const copied = collector();
  await respondList(reader, spec, query, principal, req, copied.res, exporter);
  return { stringified: stringified.text(), copied: copied.text() };
}

it.each([
  ['tasks, newest first', tasksResource, () => tasks.schema, {}, admin],
  [
    'tasks, oldest first, failed only',
    tasksResource,
    () => tasks.schema,
    { sort: '["createdAt","ASC"]', filter: '{"status":"failed"}' },
    admin,
  ],
  ['tasks, sorted by type', tasksResource, () => tasks.schema, { sort: '["type","ASC"]' }, admin],
  ['tasks, a customer: their own rows only', tasksResource, () => tasks.schema, {}, customer],
  ['provisioning log, searched', provisioningLogResource, () => log.schema, { filter: '{"q":"site1"}' }, admin],
  ['provisioning log, newest first', provisioningLogResource, () => log.schema, {}, admin],
] as const)('%s: COPY writes the same CSV as csv-stringify', async (_name, spec, schema, params, principal) => {
  const { stringified, copied } = await both(spec, schema(), params, principal);
  expect(copied.split('\n').length).toBeGreaterThan(1);
  expect(copied).toBe(stringified);
});

it('neutralises formulas and quotes what CSV must, as the other path does', async () => {
  const { copied } = await both(tasksResource, tasks.schema, { sort: '["createdAt","ASC"]' }, admin);
  const [header, first, second, third] = copied.split('\n');
  expect(header).toBe('id,type,status,progress,attempt,user_id,hypervisor_id,instance_id,error,created_at,updated_at');
  expect(first).toContain(`"'=HYPERLINK(""http://evil"")"`);
  expect(`${second}\n${third}`).toContain('"a, ""quoted""\nsecond line"');
  expect(copied).toContain(`,'-1+1,`);
  expect(copied).toContain(`,'@SUM(A1),`);
});

it('a download abandoned half way gives its connection back: more exports than the pool holds still run', async () => {
  const reader = new ListReader(pg.db.withSchema(tasks.schema));
  const query = reader.csvQuery(tasksResource, parseListQuery(tasksResource, {}), admin)!;
  for (let i = 0; i < 4; i++) {
    const res = new PassThrough();
    res.once('data', () => res.destroy(new Error('client went away')));
    await expect(exporter.send(query, res as unknown as Response)).rejects.toThrow();
  }
  const whole = collector();
  await exporter.send(query, whole.res);
  expect(whole.text().match(/^task-/gm)).toHaveLength(3_000);
});
