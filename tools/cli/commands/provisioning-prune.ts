import { timestampDate } from '@bufbuild/protobuf/wkt';
import { ActorKind, provisioningV1, Source } from '@opsledger/contracts';
import { CommandClient, connectNats } from '@opsledger/messaging';
import { baseConfigSchema, loadConfigOrExit } from '@opsledger/telemetry';
import { hostname, userInfo } from 'node:os';
import { parseArgs } from 'node:util';

/**
 * `opsledger provisioning prune --days=90 [--dry-run]`: asks the provisioning
 * service to remove Provisioning Log entries older than N days (events and
 * every read model). Sent as a command like any other, with the operating-
 * system user and host as its actor and `cli` as its source, so the audit log
 * can say who pruned. No prompt, one line of output, exit 0 when done: made
 * to be run by a scheduler.
 */
export async function provisioningPrune(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { days: { type: 'string' }, 'dry-run': { type: 'boolean', default: false } } });
  const days = Number(values.days);
  if (values.days === undefined || !Number.isInteger(days) || days < 1) {
    console.error('--days: required, a whole number of days of at least 1 (e.g. --days=90)');
    return 64;
  }
  const config = loadConfigOrExit(baseConfigSchema);
  const nc = await connectNats({ url: config.NATS_URL, name: 'opsledger-cli' });
  try {
    const result = await new CommandClient(nc, config.OPSLEDGER_PREFIX, 120_000).send(provisioningV1.PruneLogCommand, {
      actor: { userId: `${userInfo().username}@${hostname()}`, kind: ActorKind.SYSTEM },
      source: Source.CLI,
      olderThanDays: days,
      dryRun: values['dry-run'],
    });
    const cutoff = result.before ? timestampDate(result.before).toISOString() : '';
    console.log(
      values['dry-run']
        ? `dry run: ${result.entries} provisioning log entries older than ${days} days (before ${cutoff}) would be removed`
        : `removed ${result.entries} provisioning log entries older than ${days} days (before ${cutoff}); ${result.eventsPurged} events purged`,
    );
    return 0;
  } finally {
    await nc.close();
  }
}
