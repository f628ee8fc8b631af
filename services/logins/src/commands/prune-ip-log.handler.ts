import { create } from '@bufbuild/protobuf';
import { loginsV1 } from '@opsledger/contracts';
import { pruneIndexedLogHandler, type PruneIndexedLogDeps } from '@opsledger/service-runtime';
import { attemptRef } from '../domain/refs';

export type PruneIpLogDeps = PruneIndexedLogDeps;

/**
 * The logins.retention job's command: removes IP Log sign-in attempts (each its own subject, evt.logins.attempt.<id>,
 * with its LoginAttemptLocated and LoginNewLocation) made before Settings → Retention's IP-log period, then records one
 * IpLogPruned for the gateway's IP Log and this service's index (attempt_index). Brute-force blocks
 * (evt.logins.block.*) are kept.
 */
export const pruneIpLogHandler = (deps: PruneIpLogDeps) =>
  pruneIndexedLogHandler(
    {
      definition: loginsV1.PruneIpLogCommand,
      period: 'ipLogDays',
      context: 'logins',
      table: 'attempt_index',
      aggregate: attemptRef,
      pruned: ({ records, ...outcome }) => create(loginsV1.IpLogPrunedSchema, { ...outcome, attempts: records }),
      answer: ({ records, eventsPurged, before, retentionDays }) => ({ attempts: records, eventsPurged, before, retentionDays }),
    },
    deps,
  );
