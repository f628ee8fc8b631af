import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { contextSchema, createDb } from '@opsledger/db';
import { pruneProvisioningLog } from '@opsledger/gateway/maintenance';
import { baseConfigSchema, loadConfigOrExit } from '@opsledger/telemetry';
import { parseArgs } from 'node:util';

const DAY_MS = 86_400_000;

/**
 * `opsledger provisioning prune --days=90 [--dry-run]`: removes Provisioning
 * Log entries older than N days, events and read model. No prompt, one line
 * of output, exit 0 when done: made to be run by a scheduler.
 */
export async function provisioningPrune(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { days: { type: 'string' }, 'dry-run': { type: 'boolean', default: false } } });
  const days = Number(values.days);
  if (values.days === undefined || !Number.isInteger(days) || days < 1) {
    console.error('--days: required, a whole number of days of at least 1 (e.g. --days=90)');
    return 64;
  }
  const config = loadConfigOrExit(baseConfigSchema);
  const before = new Date(Date.now() - days * DAY_MS);
  const db = createDb<any>({ connectionString: config.DATABASE_URL, max: 2, applicationName: 'opsledger-cli' });
  const nc = await connect({ servers: config.NATS_URL.split(','), name: 'opsledger-cli' });
  try {
    const report = await pruneProvisioningLog(
      db.withSchema(contextSchema('provisioning', config.OPSLEDGER_PREFIX)),
      await jetstreamManager(nc),
      { before, dryRun: values['dry-run'], prefix: config.OPSLEDGER_PREFIX },
    );
    const cutoff = before.toISOString();
    console.log(
      values['dry-run']
        ? `dry run: ${report.entries} provisioning log entries older than ${days} days (before ${cutoff}) would be removed`
        : `removed ${report.entries} provisioning log entries older than ${days} days (before ${cutoff}); ${report.eventsPurged} events purged`,
    );
    return 0;
  } catch (error) {
    // No read model yet (the gateway never ran on this database): nothing to prune.
    if ((error as { code?: string }).code === '42P01') {
      console.log('no provisioning log yet: nothing to prune');
      return 0;
    }
    throw error;
  } finally {
    await nc.close();
    await db.destroy();
  }
}
