import { timestampDate } from '@bufbuild/protobuf/wkt';
import { provisioningV1 } from '@opsledger/contracts';
import { type JobBody, type JobDeps, SCHEDULER_ACTOR, SCHEDULER_SOURCE } from './job';

/**
 * provisioning.prune: asks the provisioning service to remove Provisioning
 * Log entries older than the retention period. The provisioning service owns
 * its log; the scheduler only says when. Pruning is idempotent: a repeat
 * finds nothing older left.
 */
export const provisioningPruneJob =
  (deps: JobDeps, retentionDays: number): JobBody =>
  async (io) => {
    io.print(`asking the provisioning service to prune Provisioning Log entries older than ${retentionDays} days`);
    const result = await deps.commands.send(provisioningV1.PruneLogCommand, {
      actor: SCHEDULER_ACTOR,
      source: SCHEDULER_SOURCE,
      olderThanDays: retentionDays,
    });
    const before = result.before ? timestampDate(result.before).toISOString() : `${retentionDays} days ago`;
    io.print(`removed ${result.entries} entries from before ${before}; ${result.eventsPurged} stream messages purged`);
  };
