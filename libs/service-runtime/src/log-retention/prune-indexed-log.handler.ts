import type { DescMessage, Message, MessageInitShape, MessageShape } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import {
  type AggregateRef,
  aggregateSubject,
  type CommandDefinition,
  type Context,
  type settingsV1,
  streamName,
} from '@opsledger/contracts';
import { type EventStore, purgeIndexedAggregates } from '@opsledger/eventstore';
import { actorSchema, type CommandHandler } from '@opsledger/messaging';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import { commandContext } from '../command-context';
import { logCutoff, type LogRetentionPeriod, logRetentionDecider } from './log-retention.decider';

const retentionSectionRef: AggregateRef = { context: 'settings', type: 'section', id: 'retention' };

export interface PruneIndexedLogDeps {
  store: EventStore;
  nc: NatsConnection;
  /** The service's private index of the log (its own schema). */
  index: Kysely<any>;
  prefix: string;
  newId: () => string;
  now: () => Date;
}

/** What one prune did: the figures its event and its answer report, each log naming its records its own way. */
export interface LogPruneOutcome {
  pruneId: string;
  /** Records removed (or, in a dry run, that would be). */
  records: bigint;
  eventsPurged: bigint;
  before: ReturnType<typeof timestampFromDate>;
  retentionDays: number;
  at: ReturnType<typeof timestampFromDate>;
}

/** One log kept for a Settings → Retention period, as its service names its parts. */
export interface IndexedLog<C extends DescMessage, R extends DescMessage> {
  /** The prune command, whose message has `actor` and `dryRun`. */
  definition: CommandDefinition<C, R>;
  period: LogRetentionPeriod;
  /** The log's context: its stream, and its prunes' aggregates (evt.<context>.log-prune.<prune id>). */
  context: Context;
  /** The service's index table (`id`, `at`) and the aggregate each of its rows names. */
  table: string;
  aggregate: (id: string) => AggregateRef;
  /** The one event that tells every read model to drop what was before the cutoff. */
  pruned: (outcome: LogPruneOutcome) => Message;
  answer: (outcome: LogPruneOutcome) => MessageInitShape<R>;
}

/** Settings → Retention as saved, folded for one period (90 days until an admin saves it). */
export const loadLogRetention = (store: EventStore, period: LogRetentionPeriod) => {
  const decider = logRetentionDecider(period);
  return store.load(retentionSectionRef, {
    initialState: decider.initialState,
    evolve: (state, event) => decider.evolve(state, event.data as settingsV1.SectionEvent),
  });
};

/**
 * A log's retention command (the email.retention and logins.retention jobs send theirs): removes the records older than
 * the log's Settings → Retention period. Each record is its own aggregate, so its events go with one subject purge;
 * then one `pruned` event tells every read model (the gateway's page, the service's index) to drop what was before the
 * cutoff. A run cut short leaves index rows whose events are gone: the next run purges nothing for them and its event
 * removes them. A run that finds nothing records nothing, so running it twice is a no-op (two at once is harmless).
 */
export function pruneIndexedLogHandler<C extends DescMessage, R extends DescMessage>(
  log: IndexedLog<C, R>,
  deps: PruneIndexedLogDeps,
): CommandHandler<C, R> {
  const decider = logRetentionDecider(log.period);
  return {
    definition: log.definition,
    schema: z.object({ actor: actorSchema }),
    async handle(command: MessageShape<C>, meta) {
      const now = deps.now();
      const { state } = await loadLogRetention(deps.store, log.period);
      const before = logCutoff(state, now);
      const outcome = (pruneId: string, records: number, eventsPurged: number): LogPruneOutcome => ({
        pruneId,
        records: BigInt(records),
        eventsPurged: BigInt(eventsPurged),
        before: timestampFromDate(before),
        retentionDays: state.days,
        at: timestampFromDate(now),
      });
      if ((command as { dryRun?: boolean }).dryRun) {
        const { n } = await deps.index
          .selectFrom(log.table)
          .where('at', '<', before)
          .select((eb) => eb.fn.countAll<string>().as('n'))
          .executeTakeFirstOrThrow();
        return log.answer(outcome('', Number(n), 0));
      }
      const { aggregates, eventsPurged } = await purgeIndexedAggregates({
        index: deps.index,
        table: log.table,
        before,
        jsm: await jetstreamManager(deps.nc),
        stream: streamName(log.context, deps.prefix),
        subjectOf: (id) => aggregateSubject(log.aggregate(id), deps.prefix),
        choose: (records) => decider.decide(state, { kind: 'PruneLog', now, records }),
      });
      // Nothing old enough: no event either, so a second run changes nothing at all.
      if (aggregates === 0) return log.answer(outcome('', 0, 0));
      const done = outcome(deps.newId(), aggregates, eventsPurged);
      await deps.store.append(
        { context: log.context, type: 'log-prune', id: done.pruneId },
        [{ id: deps.newId(), data: log.pruned(done), occurredAt: now }],
        0,
        commandContext(command as { actor?: never }, meta),
      );
      return log.answer(done);
    },
  };
}
