import { timestampDate } from '@bufbuild/protobuf/wkt';
import { loginsV1 } from '@opsledger/contracts';
import { type JobBody, type JobDeps, SCHEDULER_ACTOR, SCHEDULER_SOURCE } from './job';

/**
 * logins.retention: asks the logins service to remove IP Log sign-in
 * attempts older than Settings → Retention's IP-log period (the logins
 * service reads the setting; the scheduler only says when). Idempotent: a
 * repeat finds nothing older left and records nothing.
 */
export const loginsRetentionJob =
  (deps: JobDeps): JobBody =>
  async (io) => {
    io.print('asking the logins service to remove IP Log attempts older than Settings → Retention keeps');
    const result = await deps.commands.send(loginsV1.PruneIpLogCommand, { actor: SCHEDULER_ACTOR, source: SCHEDULER_SOURCE });
    const before = result.before ? timestampDate(result.before).toISOString() : `${result.retentionDays} days ago`;
    io.print(
      result.attempts > 0n
        ? `removed ${result.attempts} sign-in attempts made before ${before} (${result.retentionDays} days); ${result.eventsPurged} stream messages purged`
        : `nothing older than ${result.retentionDays} days`,
    );
  };
