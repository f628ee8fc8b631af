// Seed data for a first look: an admin (OPSLEDGER_ADMIN_EMAIL / OPSLEDGER_ADMIN_PASSWORD),
// a customer, and a few tasks created through the real command path
// (NATS → tasks service → JetStream → gateway projection). Idempotent: a
// restarted stack adds nothing.
import { ActorKind, Source, tasksV1 } from '@opsledger/contracts';
import { contextSchema, createDb, migrateToLatest } from '@opsledger/db';
import { ensureAccount, type IdentityTables, identityMigrations } from '@opsledger/gateway/identity';
import { CommandClient, connectNats } from '@opsledger/messaging';
import { baseConfigSchema, loadConfigOrExit } from '@opsledger/telemetry';
import { type Kysely, sql } from 'kysely';
import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';

const config = loadConfigOrExit(
  baseConfigSchema.extend({
    OPSLEDGER_ADMIN_EMAIL: z.email().default('admin@opsledger.local'),
    OPSLEDGER_ADMIN_PASSWORD: z.string().min(12).default('opsledger-admin'),
    OPSLEDGER_CUSTOMER_EMAIL: z.email().default('customer@opsledger.local'),
    OPSLEDGER_CUSTOMER_PASSWORD: z.string().min(12).default('opsledger-customer'),
  }),
);
const db = createDb<any>({ connectionString: config.DATABASE_URL, max: 1 });
const nc = await connectNats({ url: config.NATS_URL, name: 'seed' });
const taskTable = sql.table(`${contextSchema('tasks', config.OPSLEDGER_PREFIX)}.task`);
const countTasks = async (userId: string) =>
  (await sql<{ n: number }>`select count(*)::int as n from ${taskTable} where user_id = ${userId}`.execute(db)).rows[0]!.n;
try {
  const identitySchema = contextSchema('identity', config.OPSLEDGER_PREFIX);
  await migrateToLatest(db, identitySchema, identityMigrations);
  const identity = db.withSchema(identitySchema) as Kysely<IdentityTables>;
  const admin = await ensureAccount(identity, {
    email: config.OPSLEDGER_ADMIN_EMAIL,
    name: 'Operator',
    role: 'admin',
    password: config.OPSLEDGER_ADMIN_PASSWORD,
  });
  const customer = await ensureAccount(identity, {
    email: config.OPSLEDGER_CUSTOMER_EMAIL,
    name: 'Ada Customer',
    role: 'customer',
    password: config.OPSLEDGER_CUSTOMER_PASSWORD,
  });
  console.log(`seed: admin ${admin.email} / ${config.OPSLEDGER_ADMIN_PASSWORD}`);
  console.log(`seed: customer ${customer.email} / ${config.OPSLEDGER_CUSTOMER_PASSWORD}`);

  if ((await countTasks(customer.id)) > 0) {
    console.log(`seed: the customer's tasks are already there; nothing added`);
  } else {
    const client = new CommandClient(nc, config.OPSLEDGER_PREFIX);
    const actor = { userId: admin.id, kind: ActorKind.STAFF };
    const seeds = [
      ['instance.deploy', customer.id, 'hv-fra-1', 'vm-ada-web'],
      ['instance.backup', customer.id, 'hv-fra-1', 'vm-ada-web'],
      ['instance.snapshot', 'cust-lin', 'hv-ams-2', 'vm-lin-db'],
      ['instance.migrate', 'cust-lin', 'hv-ams-2', 'vm-lin-db'],
    ] as const;
    for (const [type, userId, hypervisorId, instanceId] of seeds) {
      await client.send(tasksV1.CreateTaskCommand, { actor, source: Source.CLI, type, target: { userId, hypervisorId, instanceId } });
    }
    // Wait for the projection, so what the summary says is there is there.
    for (let i = 0; i < 100 && (await countTasks(customer.id)) < 2; i++) await sleep(50);
    console.log(`seed: created ${seeds.length} tasks (2 owned by the customer) through the tasks service`);
  }
} finally {
  await nc.drain();
  await db.destroy();
}
