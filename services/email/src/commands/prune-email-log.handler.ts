import { create } from '@bufbuild/protobuf';
import { emailV1 } from '@opsledger/contracts';
import { pruneIndexedLogHandler, type PruneIndexedLogDeps } from '@opsledger/service-runtime';
import { emailRef } from '../domain/refs';

export type PruneEmailLogDeps = PruneIndexedLogDeps;

/**
 * The email.retention job's command: removes Email Log records (each email its own subject, evt.email.email.<id>)
 * queued before Settings → Retention's email-log period, then records one EmailLogPruned for the gateway's Email Log
 * and this service's index (email_index).
 */
export const pruneEmailLogHandler = (deps: PruneEmailLogDeps) =>
  pruneIndexedLogHandler(
    {
      definition: emailV1.PruneEmailLogCommand,
      period: 'emailLogDays',
      context: 'email',
      table: 'email_index',
      aggregate: emailRef,
      pruned: ({ records, ...outcome }) => create(emailV1.EmailLogPrunedSchema, { ...outcome, emails: records }),
      answer: ({ records, eventsPurged, before, retentionDays }) => ({ emails: records, eventsPurged, before, retentionDays }),
    },
    deps,
  );
