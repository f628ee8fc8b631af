import { create } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { aggregateSubject, loginsV1, type settingsV1, streamName } from '@opsledger/contracts';
import { type EventStore, purgeIndexedAggregates } from '@opsledger/eventstore';
import { actorSchema, type CommandHandler } from '@opsledger/messaging';
import { commandContext } from '@opsledger/service-runtime';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import { ipLogCutoff, ipLogRetentionDecider } from '../domain/ip-log-retention';
import { attemptRef, logPruneRef, retentionSectionRef } from '../domain/refs';
import type { AttemptIndexTables } from '../projections/attempt-index.projection';

export interface PruneIpLogDeps {
  store: EventStore;
  nc: NatsConnection;
  /** The service's private attempt index (its own schema). */
  index: Kysely<AttemptIndexTables>;
  prefix: string;
  newId: () => string;
  now: () => Date;
}

/** Settings → Retention as saved, folded for its IP-log period (90 days until an admin saves it). */
export const loadIpLogRetention = (store: EventStore) =>
  store.load(retentionSectionRef, {
    initialState: ipLogRetentionDecider.initialState,
    evolve: (state, event) => ipLogRetentionDecider.evolve(state, event.data as settingsV1.SectionEvent),
  });

/**
 * The logins.retention job's command: removes IP Log sign-in attempts older
 * than Settings → Retention's IP-log period. Each attempt is its own subject
 * (evt.logins.attempt.<id>, with its LoginAttemptLocated and LoginNewLocation),
 * so its events go with one subject purge; then one IpLogPruned tells every
 * read model (the gateway's IP Log, this service's index) to drop what was
 * made before the cutoff. Brute-force blocks (evt.logins.block.*) are kept. A run cut short
 * leaves index rows whose events are gone: the next run purges nothing for
 * them and its event removes them. A run that finds nothing records nothing,
 * so running it twice is a no-op (two at once is harmless).
 */
export function pruneIpLogHandler(
  deps: PruneIpLogDeps,
): CommandHandler<typeof loginsV1.PruneIpLogCommand.command, typeof loginsV1.PruneIpLogCommand.result> {
  return {
    definition: loginsV1.PruneIpLogCommand,
    schema: z.object({ actor: actorSchema }),
    async handle(command, meta) {
      const now = deps.now();
      const { state } = await loadIpLogRetention(deps.store);
      const before = ipLogCutoff(state, now);
      const result = (attempts: number, eventsPurged: number) => ({
        attempts: BigInt(attempts),
        eventsPurged: BigInt(eventsPurged),
        before: timestampFromDate(before),
        retentionDays: state.days,
      });
      if (command.dryRun) {
        const { n } = await deps.index
          .selectFrom('attempt_index')
          .where('at', '<', before)
          .select((eb) => eb.fn.countAll<string>().as('n'))
          .executeTakeFirstOrThrow();
        return result(Number(n), 0);
      }
      const { aggregates: attempts, eventsPurged } = await purgeIndexedAggregates({
        index: deps.index,
        table: 'attempt_index',
        before,
        jsm: await jetstreamManager(deps.nc),
        stream: streamName('logins', deps.prefix),
        subjectOf: (id) => aggregateSubject(attemptRef(id), deps.prefix),
        choose: (records) => ipLogRetentionDecider.decide(state, { kind: 'PruneIpLog', now, records }),
      });
      // Nothing old enough: no event either, so a second run changes nothing at all.
      if (attempts === 0) return result(0, 0);
      const pruneId = deps.newId();
      const data = create(loginsV1.IpLogPrunedSchema, {
        pruneId,
        before: timestampFromDate(before),
        attempts: BigInt(attempts),
        eventsPurged: BigInt(eventsPurged),
        retentionDays: state.days,
        at: timestampFromDate(now),
      });
      await deps.store.append(logPruneRef(pruneId), [{ id: deps.newId(), data, occurredAt: now }], 0, commandContext(command, meta));
      return result(attempts, eventsPurged);
    },
  };
}
