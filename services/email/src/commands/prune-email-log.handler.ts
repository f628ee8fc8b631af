import { create } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { aggregateSubject, emailV1, type settingsV1, streamName } from '@opsledger/contracts';
import { type EventStore, purgeIndexedAggregates } from '@opsledger/eventstore';
import { actorSchema, type CommandHandler } from '@opsledger/messaging';
import { commandContext } from '@opsledger/service-runtime';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import { emailLogCutoff, emailLogRetentionDecider } from '../domain/email-log-retention';
import { emailRef, logPruneRef, retentionSectionRef } from '../domain/refs';
import type { EmailIndexTables } from '../projections/email-index.projection';

export interface PruneEmailLogDeps {
  store: EventStore;
  nc: NatsConnection;
  /** The service's private email index (its own schema). */
  index: Kysely<EmailIndexTables>;
  prefix: string;
  newId: () => string;
  now: () => Date;
}

/** Settings → Retention as saved, folded for its email-log period (90 days until an admin saves it). */
export const loadEmailLogRetention = (store: EventStore) =>
  store.load(retentionSectionRef, {
    initialState: emailLogRetentionDecider.initialState,
    evolve: (state, event) => emailLogRetentionDecider.evolve(state, event.data as settingsV1.SectionEvent),
  });

/**
 * The email.retention job's command: removes Email Log records older than
 * Settings → Retention's email-log period. Each email is its own subject
 * (evt.email.email.<id>), so its events go with one subject purge; then one
 * EmailLogPruned tells every read model (the gateway's Email Log, this
 * service's index) to drop what was queued before the cutoff. A run cut short
 * leaves index rows whose events are gone: the next run purges nothing for
 * them and its event removes them. A run that finds nothing records nothing,
 * so running it twice is a no-op (two at once is harmless).
 */
export function pruneEmailLogHandler(
  deps: PruneEmailLogDeps,
): CommandHandler<typeof emailV1.PruneEmailLogCommand.command, typeof emailV1.PruneEmailLogCommand.result> {
  return {
    definition: emailV1.PruneEmailLogCommand,
    schema: z.object({ actor: actorSchema }),
    async handle(command, meta) {
      const now = deps.now();
      const { state } = await loadEmailLogRetention(deps.store);
      const before = emailLogCutoff(state, now);
      const result = (emails: number, eventsPurged: number) => ({
        emails: BigInt(emails),
        eventsPurged: BigInt(eventsPurged),
        before: timestampFromDate(before),
        retentionDays: state.days,
      });
      if (command.dryRun) {
        const { n } = await deps.index
          .selectFrom('email_index')
          .where('at', '<', before)
          .select((eb) => eb.fn.countAll<string>().as('n'))
          .executeTakeFirstOrThrow();
        return result(Number(n), 0);
      }
      const { aggregates: emails, eventsPurged } = await purgeIndexedAggregates({
        index: deps.index,
        table: 'email_index',
        before,
        jsm: await jetstreamManager(deps.nc),
        stream: streamName('email', deps.prefix),
        subjectOf: (id) => aggregateSubject(emailRef(id), deps.prefix),
        choose: (records) => emailLogRetentionDecider.decide(state, { kind: 'PruneEmailLog', now, records }),
      });
      // Nothing old enough: no event either, so a second run changes nothing at all.
      if (emails === 0) return result(0, 0);
      const pruneId = deps.newId();
      const data = create(emailV1.EmailLogPrunedSchema, {
        pruneId,
        before: timestampFromDate(before),
        emails: BigInt(emails),
        eventsPurged: BigInt(eventsPurged),
        retentionDays: state.days,
        at: timestampFromDate(now),
      });
      await deps.store.append(logPruneRef(pruneId), [{ id: deps.newId(), data, occurredAt: now }], 0, commandContext(command, meta));
      return result(emails, eventsPurged);
    },
  };
}
