import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { eventRegistry } from '@opsledger/contracts';
import { contextSchema, createDb, migrateToLatest } from '@opsledger/db';
import { ensureEventStream, EventStore } from '@opsledger/eventstore';
import { type AccountCreatedBy, AccountEvents, type IdentityTables, identityMigrations } from '@opsledger/gateway/identity';
import { CommandError, connectNats } from '@opsledger/messaging';
import { baseConfigSchema, loadConfigOrExit } from '@opsledger/telemetry';
import type { Kysely } from 'kysely';
import { hostname, userInfo } from 'node:os';
import { randomUUID } from 'node:crypto';
import { ZodError } from 'zod';

/**
 * Who an identity change from the CLI is recorded as: the operating-system user and host it ran as, in the same
 * convention as `opsledger provisioning prune` (actor `system:<os user>@<host>`, source `cli`), and a fresh
 * correlation id per run. The audit log reads the OS user and host back from the actor id (`<user>@<host>`, split
 * at the last `@`) on every event whose Ops-Source is `cli`.
 */
export function cliActor(): AccountCreatedBy {
  return { actor: { kind: 'system', id: `${userInfo().username}@${hostname()}` }, source: 'cli', correlationId: randomUUID() };
}

/** Runs `work` with the identity schema (migrated) and the IDENTITY stream, as the CLI's OS user; closes both after. */
export async function withIdentity<T>(work: (db: Kysely<IdentityTables>, events: AccountEvents) => Promise<T>): Promise<T> {
  const config = loadConfigOrExit(baseConfigSchema);
  const db = createDb<any>({ connectionString: config.DATABASE_URL, max: 1, applicationName: 'opsledger-cli' });
  const nc = await connectNats({ url: config.NATS_URL, name: 'opsledger-cli' });
  try {
    const schema = contextSchema('identity', config.OPSLEDGER_PREFIX);
    await migrateToLatest(db, schema, identityMigrations(schema));
    const jsm = await jetstreamManager(nc);
    await ensureEventStream(jsm, 'identity', { prefix: config.OPSLEDGER_PREFIX, replicas: config.STREAM_REPLICAS });
    const events = new AccountEvents(new EventStore(jetstream(nc), jsm, eventRegistry, config.OPSLEDGER_PREFIX), cliActor());
    return await work(db.withSchema(schema) as Kysely<IdentityTables>, events);
  } finally {
    await nc.close();
    await db.destroy();
  }
}

/** A refusal (bad input, a taken email, the last admin, no such account) is one line on stderr and exit 65; anything else is thrown. */
export function reportRefusal(error: unknown): number {
  if (error instanceof ZodError) {
    for (const issue of error.issues) console.error(`--${issue.path.join('.')}: ${issue.message}`);
    return 65;
  }
  if (error instanceof CommandError && error.code !== 'internal' && error.code !== 'unavailable') {
    console.error(error.message);
    return 65;
  }
  throw error;
}
