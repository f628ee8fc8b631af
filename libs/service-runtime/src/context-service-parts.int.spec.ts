// The optional parts a context with outside state needs (the scheduler):
// a private lookup fed by another context's stream, and a start-up reconcile
// that is retried until it succeeds while /readyz says it has not.
import { create } from '@bufbuild/protobuf';
import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { eventRegistry, tasksV1 } from '@opsledger/contracts';
import { EventStore, type Projection } from '@opsledger/eventstore';
import { baseConfigSchema, loadConfig } from '@opsledger/telemetry';
import { createTestDatabase, createTestNats, freePort, type TestDatabase, type TestNats } from '@opsledger/testing';
import { sql } from 'kysely';
import { setTimeout as sleep } from 'node:timers/promises';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ContextServiceModule, type ContextServiceInfra } from './context-service.module';

let pg: TestDatabase;
let nats: TestNats;
let app: INestApplication;
let url: string;
let infra: ContextServiceInfra | undefined;
let reconcileCalls = 0;

const seenTasks: Projection = {
  name: 'seen-tasks',
  context: 'tasks',
  schema: '',
  tables: ['seen_task'],
  migrations: {
    '20261123T0900_create_seen_task': {
      async up(db) {
        await db.schema
          .createTable('seen_task')
          .addColumn('task_id', 'text', (c) => c.primaryKey())
          .execute();
      },
    },
  },
  async apply(trx, events) {
    for (const e of events)
      await trx
        .insertInto('seen_task')
        .values({ task_id: (e.data as tasksV1.TaskCreated).taskId })
        .execute();
  },
};

beforeAll(async () => {
  pg = await createTestDatabase();
  nats = await createTestNats();
  const config = loadConfig(baseConfigSchema, {
    DATABASE_URL: process.env.DATABASE_URL,
    NATS_URL: nats.url,
    OPSLEDGER_PREFIX: nats.prefix,
    TEMPORAL_ADDRESS: `127.0.0.1:${await freePort()}`,
    LOG_LEVEL: 'error',
  });
  const module = ContextServiceModule.forRoot({
    context: 'scheduler',
    config,
    parts: (given) => {
      infra = given;
      return {
        handlers: [],
        projections: (schema) => [{ ...seenTasks, schema }],
        async reconcile() {
          if (++reconcileCalls === 1) throw new Error('Temporal is away');
        },
      };
    },
  });
  app = await NestFactory.create(module, { logger: ['error'] });
  await app.listen(0, '127.0.0.1');
  url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
});
afterAll(async () => {
  await app?.close();
  if (infra) await sql`drop schema if exists ${sql.id(infra.schema)} cascade`.execute(pg.db);
  await nats?.dispose();
  await pg?.dispose();
});

const readiness = async () => {
  const res = await fetch(`${url}/readyz`);
  return { status: res.status, details: ((await res.json()) as { details?: Record<string, unknown> }).details ?? {} };
};

it('a lookup of another stream is fed in the private schema; readiness waits for the reconcile, which is retried', async () => {
  expect(infra?.schema).toBe(`${nats.prefix}_scheduler_service`);
  // The first reconcile failed: not ready, and it says why.
  const first = await readiness();
  expect(first.status).toBe(503);
  expect(first.details).toMatchObject({ reconciled: { status: 'down', error: 'Temporal is away' } });

  // The TASKS stream was created by this service for its lookup, and the lookup follows it.
  const store = new EventStore(nats.js, nats.jsm, eventRegistry, nats.prefix);
  const taskId = randomUUID();
  await store.append(
    { context: 'tasks', type: 'task', id: taskId },
    [{ id: randomUUID(), data: create(tasksV1.TaskCreatedSchema, { taskId, type: 'instance.deploy' }), occurredAt: new Date() }],
    0,
    { actor: { kind: 'system', id: 'test' }, source: 'system' },
  );
  for (let i = 0; i < 100; i++) {
    const rows = await pg.db.withSchema(infra!.schema).selectFrom('seen_task').selectAll().execute();
    if (rows.length > 0) break;
    await sleep(50);
  }
  expect(await pg.db.withSchema(infra!.schema).selectFrom('seen_task').select('task_id').execute()).toEqual([{ task_id: taskId }]);

  // Retried after a second: then ready, with the lookup among the projections.
  for (let i = 0; i < 60 && (await readiness()).status !== 200; i++) await sleep(100);
  const ready = await readiness();
  expect(ready.status).toBe(200);
  expect(ready.details).toMatchObject({ reconciled: { status: 'up' }, projections: { status: 'up', 'seen-tasks': { running: true } } });
  expect(reconcileCalls).toBe(2);
});
