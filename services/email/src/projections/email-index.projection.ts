import { emailV1 } from '@opsledger/contracts';
import { type AggregateIndexRow, aggregateIndexProjection } from '@opsledger/eventstore';

/** Every Email Log record still on the stream, by when it was queued: what a retention prune looks through. */
export interface EmailIndexTables {
  email_index: AggregateIndexRow;
}

/** The email service's own index of the Email Log: an email in when queued, out with the EmailLogPruned that covers it. */
export const emailIndexProjection = (schema: string) =>
  aggregateIndexProjection({
    name: 'email-index',
    context: 'email',
    schema,
    table: 'email_index',
    migration: '20261123T1700_create_email_index',
    recorded: emailV1.EmailQueuedSchema,
    entry: (queued) => ({ id: queued.emailId, at: queued.queuedAt }),
    pruned: emailV1.EmailLogPrunedSchema,
    before: (pruned) => pruned.before,
  });
