import { provisioningV1 } from '@opsledger/contracts';
import { type AggregateIndexRow, aggregateIndexProjection } from '@opsledger/eventstore';

/** Every Provisioning Log entry still on the stream, by time: what a prune looks through. */
export interface AttemptIndexTables {
  attempt_index: AggregateIndexRow;
}

/** The provisioning service's own index of its log: an attempt in when recorded, out with the prune that covers it. */
export const attemptIndexProjection = (schema: string) =>
  aggregateIndexProjection({
    name: 'provisioning-attempt-index',
    context: 'provisioning',
    schema,
    table: 'attempt_index',
    migration: '20261123T1200_create_attempt_index',
    recorded: provisioningV1.ProvisioningAttemptRecordedSchema,
    entry: (attempt) => ({ id: attempt.attemptId, at: attempt.at }),
    pruned: provisioningV1.ProvisioningLogPrunedSchema,
    before: (pruned) => pruned.before,
  });
