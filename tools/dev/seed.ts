// Seed data for a first look: an admin (OPSLEDGER_ADMIN_EMAIL / OPSLEDGER_ADMIN_PASSWORD),
// a customer, a few tasks, and hosting accounts on the panel simulator
// (one created, two failing for reasons the Provisioning Log diagnoses),
// Settings → Email with a mistyped secret (the customer's welcome email fails
// with the provider's credential error, which Send test email shows at once),
// all through the real command path (NATS → service → JetStream → gateway
// projection). Idempotent: a restarted stack adds nothing.
import { ActorKind, eventRegistry, provisioningV1, settingsV1, Source, tasksV1 } from '@opsledger/contracts';
import { contextSchema, createDb, migrateToLatest } from '@opsledger/db';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { ensureEventStream, EventStore } from '@opsledger/eventstore';
import { AccountEvents, ensureAccount, type IdentityTables, identityMigrations } from '@opsledger/gateway/identity';
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
    EMAIL_SES_ENDPOINT: z.url().default(`http://127.0.0.1:${process.env.SES_SIM_PORT ?? 3400}`),
  }),
);
const db = createDb<any>({ connectionString: config.DATABASE_URL, max: 1 });
const nc = await connectNats({ url: config.NATS_URL, name: 'seed' });
const taskTable = sql.table(`${contextSchema('tasks', config.OPSLEDGER_PREFIX)}.task`);
const countTasks = async (userId: string) =>
  (await sql<{ n: number }>`select count(*)::int as n from ${taskTable} where user_id = ${userId}`.execute(db)).rows[0]!.n;
try {
  const identitySchema = contextSchema('identity', config.OPSLEDGER_PREFIX);
  await migrateToLatest(db, identitySchema, identityMigrations(identitySchema));
  const identity = db.withSchema(identitySchema) as Kysely<IdentityTables>;
  const jsm = await jetstreamManager(nc);
  await ensureEventStream(jsm, 'identity', { prefix: config.OPSLEDGER_PREFIX, replicas: config.STREAM_REPLICAS });
  // Each new account's AccountCreated goes on IDENTITY: the customer's welcome email is the first entry of the Email Log.
  const accountEvents = new AccountEvents(new EventStore(jetstream(nc), jsm, eventRegistry, config.OPSLEDGER_PREFIX), {
    actor: { kind: 'system', id: 'seed' },
    source: 'cli',
  });
  // Before the customer exists, so its welcome email goes through the seeded (broken) settings.
  await seedEmailSettings(new CommandClient(nc, config.OPSLEDGER_PREFIX));
  const admin = await ensureAccount(
    identity,
    {
      email: config.OPSLEDGER_ADMIN_EMAIL,
      name: 'Operator',
      role: 'admin',
      password: config.OPSLEDGER_ADMIN_PASSWORD,
    },
    accountEvents,
  );
  const customer = await ensureAccount(
    identity,
    {
      email: config.OPSLEDGER_CUSTOMER_EMAIL,
      name: 'Ada Customer',
      role: 'customer',
      password: config.OPSLEDGER_CUSTOMER_PASSWORD,
    },
    accountEvents,
  );
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
  await seedProvisioning(new CommandClient(nc, config.OPSLEDGER_PREFIX), { userId: admin.id, kind: ActorKind.STAFF });
} finally {
  await nc.drain();
  await db.destroy();
}

/** Two panel servers on the simulator and three accounts whose create runs at once: one succeeds, two fail. */
async function seedProvisioning(client: CommandClient, actor: { userId: string; kind: ActorKind }) {
  const panels = sql.table(`${contextSchema('provisioning', config.OPSLEDGER_PREFIX)}.panel_server`);
  const countPanels = async () => (await sql<{ n: number }>`select count(*)::int as n from ${panels}`.execute(db)).rows[0]!.n;
  if ((await countPanels()) > 0) return console.log('seed: the panel servers are already there; nothing added');
  const command = { actor, source: Source.CLI };
  const token = process.env.PANEL_SIM_TOKEN ?? 'panel-sim-token';
  const web1 = await client.send(provisioningV1.RegisterPanelServerCommand, {
    ...command,
    name: 'web-1',
    apiUrl: 'http://127.0.0.1:3300',
    apiToken: token,
  });
  const web2 = await client.send(provisioningV1.RegisterPanelServerCommand, {
    ...command,
    name: 'web-2 (self-signed)',
    apiUrl: 'https://127.0.0.1:3301',
    apiToken: token,
  });
  const accounts = [
    ['ada.example.com', 'Ada Lovelace Ltd', 'ada', 'Business', web1.panelServerId],
    ['lin.example.com', 'Lin & Co', 'lin', 'business', web1.panelServerId], // package names are case-sensitive
    ['grace.example.com', 'Grace Hopper GmbH', 'grace', 'Pro', web2.panelServerId], // TLS verification on
  ] as const;
  for (const [domain, clientName, username, pkg, panelServerId] of accounts) {
    const { serviceId } = await client.send(provisioningV1.RegisterServiceCommand, {
      ...command,
      domain,
      clientName,
      username,
      package: pkg,
      panelServerId,
      // Suspending it sends instance.suspended here (to the SES simulator).
      clientEmail: `billing@${domain}`,
    });
    await client.send(provisioningV1.DispatchActionCommand, { ...command, serviceId, action: provisioningV1.ProvisioningAction.CREATE });
  }
  for (let i = 0; i < 100 && (await countPanels()) < 2; i++) await sleep(50);
  console.log(`seed: 2 panel servers and ${accounts.length} hosting accounts, their creates dispatched to the panel simulator`);
}

/**
 * Settings → Email pointing at the SES simulator, with the secret mistyped:
 * the troubleshooting the first look offers (fix: the secret is
 * ses-sim-secret-key). Only when the section was never saved, so an
 * operator's fix survives a restart.
 */
async function seedEmailSettings(client: CommandClient) {
  const settings = sql.table(`${contextSchema('email', config.OPSLEDGER_PREFIX)}.email_settings`);
  const saved = await sql<{ n: number }>`select count(*)::int as n from ${settings}`.execute(db).then(
    (r) => r.rows[0]!.n > 0,
    () => false,
  );
  if (saved) return console.log('seed: Settings → Email already saved; left as it is');
  await client.send(settingsV1.ChangeEmailSettingsCommand, {
    actor: { userId: 'seed', kind: ActorKind.SYSTEM },
    source: Source.CLI,
    region: 'us-east-1',
    endpoint: config.EMAIL_SES_ENDPOINT,
    sender: 'noreply@opsledger.local',
    accessKeyId: 'ses-sim-access-key',
    secretAccessKey: 'ses-sim-secret-kye',
  });
  console.log('seed: Settings → Email saved with a mistyped secret (the welcome email fails; Send test email says why)');
}
