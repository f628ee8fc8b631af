// The promise of docs/adding-a-context.md, kept by a test: a context's gateway
// side is one module in its own folder — a read model, a projection with its
// live notices, a list resource — and nothing shared names it. Here a
// throwaway "widgets" context (a list of the task types ever created) is added
// beside the real ones with nothing but its module.
import { Controller, Injectable, Inject, Module } from '@nestjs/common';
import { tasksV1 } from '@opsledger/contracts';
import type { Migrations } from '@opsledger/db';
import type { Projection } from '@opsledger/eventstore';
import { createTestDatabase, createTestNats, type TestDatabase, type TestNats } from '@opsledger/testing';
import type { Kysely } from 'kysely';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { z } from 'zod';
import { ListController } from './api/list/list-controller';
import type { ResourceSpec } from './api/list/resource-spec';
import { AdminOnly } from './auth/auth.guard';
import type { LiveHub } from './live/live-hub';
import type { ProjectionEntry } from './projections/projection.tokens';
import { type ContextReadModel, ContributesProjections, type ProjectionSource, readModelOf } from './projections/read-model';
import { createTaskEvent } from './test-support/streams';
import { dropContextSchemas, identityDb, seedAccounts, signIn, startTestGateway } from './test-support/test-gateway';

interface WidgetTables {
  widget: { id: string; task_type: string; created_at: Date };
}
const migrations: Migrations = {
  '20261123T1000_create_widget': {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('widget')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('task_type', 'text', (c) => c.notNull())
        .addColumn('created_at', 'timestamptz', (c) => c.notNull())
        .execute();
    },
  },
};
const widgetProjection = (schema: string): Projection<WidgetTables> => ({
  name: 'widgets',
  context: 'tasks',
  schema,
  migrations,
  tables: ['widget'],
  async apply(trx, events) {
    for (const e of events)
      if (e.type === 'platform.tasks.v1.TaskCreated')
        await trx
          .insertInto('widget')
          .values({ id: e.aggregateId, task_type: (e.data as tasksV1.TaskCreated).type, created_at: e.occurredAt })
          .execute();
  },
});
const widgetsResource: ResourceSpec<WidgetTables['widget']> = {
  resource: 'widgets',
  table: 'widget',
  idColumn: 'id',
  filters: { taskType: { column: 'task_type', op: 'eq', schema: z.string() } },
  sortable: { createdAt: 'created_at' },
  defaultSort: ['createdAt', 'DESC'],
  keysetSorts: ['createdAt'],
  toJson: (row) => ({ id: row.id, taskType: row.task_type, createdAt: row.created_at }),
  csv: [['id', 'id']],
};
const WidgetsReadModel = readModelOf<WidgetTables>('widgets');

@ContributesProjections()
@Injectable()
class WidgetsProjections implements ProjectionSource {
  constructor(@Inject(WidgetsReadModel) private readonly readModel: ContextReadModel<WidgetTables>) {}
  projections(hub: LiveHub): ProjectionEntry[] {
    return [
      {
        projection: widgetProjection(this.readModel.schema),
        onCommitted: async (events) => events.forEach((e) => hub.publish({ resource: 'widgets', id: e.aggregateId, change: 'created' })),
      },
    ];
  }
}

@AdminOnly()
@Controller('api/widgets')
class WidgetsController extends ListController(widgetsResource, WidgetsReadModel, 'widget') {}

@Module({ controllers: [WidgetsController], providers: [WidgetsReadModel, WidgetsProjections] })
class WidgetsModule {}

let pg: TestDatabase;
let nats: TestNats;
let gateway: Awaited<ReturnType<typeof startTestGateway>>;
beforeAll(async () => {
  pg = await createTestDatabase();
  nats = await createTestNats();
  gateway = await startTestGateway(pg, nats, {}, [WidgetsModule]);
});
afterAll(async () => {
  await gateway?.close();
  await dropContextSchemas(pg, nats.prefix);
  await nats?.dispose();
  await pg?.dispose();
});

it('a context module alone adds its schema, its projection (in /readyz and live notices) and its list routes, with roles enforced', async () => {
  const accounts = await seedAccounts(await identityDb(pg, nats.prefix));
  const admin = (await signIn(gateway.url, accounts.admin.email, accounts.password)).cookie;
  const alice = (await signIn(gateway.url, accounts.alice.email, accounts.password)).cookie;
  const live = await fetch(`${gateway.url}/api/live`, { headers: { cookie: admin } });
  await createTaskEvent(nats, { id: 'w1', userId: accounts.alice.id, type: 'instance.snapshot' });

  let rows: { id: string; taskType: string }[] = [];
  for (let i = 0; i < 100 && rows.length === 0; i++, await sleep(50))
    rows = (await (
      await fetch(`${gateway.url}/api/widgets?filter={"taskType":"instance.snapshot"}`, { headers: { cookie: admin } })
    ).json()) as typeof rows;
  expect(rows).toEqual([{ id: 'w1', taskType: 'instance.snapshot', createdAt: expect.any(String) }]);
  expect(await (await fetch(`${gateway.url}/api/widgets/w1`, { headers: { cookie: admin } })).json()).toMatchObject({ id: 'w1' });
  expect((await fetch(`${gateway.url}/api/widgets/nope`, { headers: { cookie: admin } })).status).toBe(404);
  expect((await fetch(`${gateway.url}/api/widgets`, { headers: { cookie: alice } })).status).toBe(403);
  expect((await fetch(`${gateway.url}/api/widgets`)).status).toBe(401);

  const reader = live.body!.getReader();
  let text = '';
  while (!text.includes('"resource":"widgets"')) text += new TextDecoder().decode((await reader.read()).value);
  await reader.cancel();

  const ready = (await (await fetch(`${gateway.url}/readyz`, { headers: { cookie: admin } })).json()) as {
    details: { projections: Record<string, unknown> };
  };
  expect(ready.details.projections).toMatchObject({ widgets: { running: true, checkpoint: 1, lag: 0 }, 'task-list': { running: true } });
});
