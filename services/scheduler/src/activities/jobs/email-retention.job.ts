import { timestampDate } from '@bufbuild/protobuf/wkt';
import { emailV1 } from '@opsledger/contracts';
import { type JobBody, type JobDeps, SCHEDULER_ACTOR, SCHEDULER_SOURCE } from './job';

/**
 * email.retention: asks the email service to remove Email Log records older
 * than Settings → Retention's email-log period (the email service reads the
 * setting; the scheduler only says when). Idempotent: a repeat finds nothing
 * older left and records nothing.
 */
export const emailRetentionJob =
  (deps: JobDeps): JobBody =>
  async (io) => {
    io.print('asking the email service to remove Email Log records older than Settings → Retention keeps');
    const result = await deps.commands.send(emailV1.PruneEmailLogCommand, { actor: SCHEDULER_ACTOR, source: SCHEDULER_SOURCE });
    const before = result.before ? timestampDate(result.before).toISOString() : `${result.retentionDays} days ago`;
    io.print(
      result.emails > 0n
        ? `removed ${result.emails} emails queued before ${before} (${result.retentionDays} days); ${result.eventsPurged} stream messages purged`
        : `nothing older than ${result.retentionDays} days`,
    );
  };
