import { loginsV1 } from '@opsledger/contracts';
import { type AggregateIndexRow, aggregateIndexProjection } from '@opsledger/eventstore';

/** Every sign-in attempt still on the stream, by when it was made: what a retention prune looks through. */
export interface AttemptIndexTables {
  attempt_index: AggregateIndexRow;
}

/** The logins service's own index of the IP Log: an attempt in when made, out with the IpLogPruned that covers it. */
export const attemptIndexProjection = (schema: string) =>
  aggregateIndexProjection({
    name: 'logins-attempt-index',
    context: 'logins',
    schema,
    table: 'attempt_index',
    migration: '20261123T1700_create_attempt_index',
    recorded: loginsV1.LoginAttemptedSchema,
    entry: (attempt) => ({ id: attempt.attemptId, at: attempt.at }),
    pruned: loginsV1.IpLogPrunedSchema,
    before: (pruned) => pruned.before,
  });
