import { create } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { jetstreamManager } from '@nats-io/jetstream';
import { aggregateSubject, provisioningV1, streamName } from '@opsledger/contracts';
import { purgeIndexedAggregates } from '@opsledger/eventstore';
import { actorSchema, type CommandHandler } from '@opsledger/messaging';
import { commandContext, type PruneIndexedLogDeps } from '@opsledger/service-runtime';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import { attemptRef, logPruneRef } from '../domain/refs';
import type { AttemptIndexTables } from '../projections/attempt-index.projection';

const DAY_MS = 86_400_000;

/** A log prune's dependencies, the index being the service's private attempt index (its own schema). */
export type PruneLogDeps = Omit<PruneIndexedLogDeps, 'index'> & { index: Kysely<AttemptIndexTables> };

/**
 * Removes Provisioning Log entries older than N days. Each entry is its own
 * subject (evt.provisioning.attempt.<id>), so its events go with one subject
 * purge; then one ProvisioningLogPruned tells every read model (the gateway's
 * list, this service's index) to drop what is older than the cutoff. A run cut
 * short leaves index rows whose events are gone: the next run purges nothing
 * for them and its event removes them. Running it twice, or two at once, is harmless.
 */
export function pruneLogHandler(
  deps: PruneLogDeps,
): CommandHandler<typeof provisioningV1.PruneLogCommand.command, typeof provisioningV1.PruneLogCommand.result> {
  return {
    definition: provisioningV1.PruneLogCommand,
    schema: z.object({
      actor: actorSchema,
      olderThanDays: z.number().int().min(1, 'must be a whole number of days of at least 1').max(3650, 'must be at most 3650 days'),
    }),
    async handle(command, meta) {
      const before = new Date(deps.now().getTime() - command.olderThanDays * DAY_MS);
      if (command.dryRun) {
        const { n } = await deps.index
          .selectFrom('attempt_index')
          .where('at', '<', before)
          .select((eb) => eb.fn.countAll<string>().as('n'))
          .executeTakeFirstOrThrow();
        return { entries: BigInt(n), eventsPurged: 0n, before: timestampFromDate(before) };
      }
      const { aggregates: entries, eventsPurged } = await purgeIndexedAggregates({
        index: deps.index,
        table: 'attempt_index',
        before,
        jsm: await jetstreamManager(deps.nc),
        stream: streamName('provisioning', deps.prefix),
        subjectOf: (id) => aggregateSubject(attemptRef(id), deps.prefix),
      });
      const pruneId = deps.newId();
      const data = create(provisioningV1.ProvisioningLogPrunedSchema, {
        pruneId,
        before: timestampFromDate(before),
        entries: BigInt(entries),
        eventsPurged: BigInt(eventsPurged),
        at: timestampFromDate(deps.now()),
      });
      await deps.store.append(logPruneRef(pruneId), [{ id: deps.newId(), data, occurredAt: deps.now() }], 0, commandContext(command, meta));
      return { entries: BigInt(entries), eventsPurged: BigInt(eventsPurged), before: timestampFromDate(before) };
    },
  };
}
