import type { JetStreamManager } from '@nats-io/jetstream';
import { aggregateSubject, streamName } from '@opsledger/contracts';
import type { Kysely } from 'kysely';
import type { ProvisioningReadModel } from './provisioning-log.projection';

export interface PruneOptions {
  /** Entries whose time is before this are removed. */
  before: Date;
  dryRun: boolean;
  prefix?: string;
  /** Entries per round trip; each round purges its events, then deletes its rows. */
  batchSize?: number;
}

export interface PruneReport {
  /** Entries older than the cutoff (in a dry run: that would be removed). */
  entries: number;
  /** Stream messages purged (0 in a dry run). */
  eventsPurged: number;
}

/**
 * Removes Provisioning Log entries older than a cutoff, from the events and
 * the read model. Each entry is its own subject (evt.provisioning.attempt.<id>),
 * so an entry's events go with one subject purge. The read model's time index
 * says which entries are old; each batch purges the events first and deletes
 * the rows after, so a run cut short leaves rows whose events are gone, which
 * the next run finds and finishes. Running it twice, or two at once, is harmless.
 */
export async function pruneProvisioningLog(
  db: Kysely<ProvisioningReadModel>,
  jsm: JetStreamManager,
  options: PruneOptions,
): Promise<PruneReport> {
  const old = db.selectFrom('provisioning_log').where('created_at', '<', options.before);
  if (options.dryRun) {
    const { count } = await old.select((eb) => eb.fn.countAll<string>().as('count')).executeTakeFirstOrThrow();
    return { entries: Number(count), eventsPurged: 0 };
  }
  const stream = streamName('provisioning', options.prefix);
  const report: PruneReport = { entries: 0, eventsPurged: 0 };
  for (;;) {
    const ids = (
      await old
        .select('id')
        .orderBy('created_at')
        .limit(options.batchSize ?? 500)
        .execute()
    ).map((r) => r.id);
    if (ids.length === 0) return report;
    const purged = await Promise.all(
      ids.map((id) =>
        jsm.streams.purge(stream, { filter: aggregateSubject({ context: 'provisioning', type: 'attempt', id }, options.prefix) }),
      ),
    );
    report.eventsPurged += purged.reduce((sum, p) => sum + p.purged, 0);
    const deleted = await db.deleteFrom('provisioning_log').where('id', 'in', ids).executeTakeFirst();
    report.entries += Number(deleted.numDeletedRows);
  }
}
