// Lists what tests leave behind: schemas and streams named with a test
// prefix. `npm test` compares the list before and after the suite; any new
// entry means a test did not clean up after itself.
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { createDb } from '@opsledger/db';
import { baseConfigSchema, loadConfig } from '@opsledger/telemetry';
import { sql } from 'kysely';

const config = loadConfig(baseConfigSchema);
const db = createDb({ connectionString: config.DATABASE_URL, max: 1 });
const nc = await connect({ servers: config.NATS_URL });
try {
  // Test prefixes are `t` + a base-36 time and random token (libs/testing uniqueToken).
  const { rows } = await sql<{ name: string }>`
    select nspname as name from pg_namespace where nspname ~ '^(test_|t[0-9a-z]{12,}_)' order by 1`.execute(db);
  const streams: string[] = [];
  for await (const name of (await jetstreamManager(nc)).streams.names()) if (/^T[0-9A-Z]{12,}_/.test(name)) streams.push(name);
  for (const name of [...rows.map((r) => `schema ${r.name}`), ...streams.sort().map((s) => `stream ${s}`)]) console.log(name);
} finally {
  await nc.close();
  await db.destroy();
}
