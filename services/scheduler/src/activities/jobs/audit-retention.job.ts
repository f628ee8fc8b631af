import { auditV1 } from '@opsledger/contracts';
import { type JobBody, type JobDeps, SCHEDULER_ACTOR, SCHEDULER_SOURCE } from './job';

/**
 * audit.retention: asks the audit service to remove Audit Log entries older
 * than Settings → Retention says (the audit service reads the setting; the
 * scheduler only says when). It records a checkpoint so what remains still
 * verifies. Idempotent: a repeat finds nothing older left.
 */
export const auditRetentionJob =
  (deps: JobDeps): JobBody =>
  async (io) => {
    io.print('asking the audit service to remove Audit Log entries older than Settings → Retention keeps');
    const result = await deps.commands.send(auditV1.PruneAuditLogCommand, { actor: SCHEDULER_ACTOR, source: SCHEDULER_SOURCE });
    io.print(
      result.entriesRemoved > 0n
        ? `removed ${result.entriesRemoved} entries; the chain now starts after entry ${result.throughSequence}`
        : 'nothing older than the retention period',
    );
  };
