import type { DescMessage, MessageShape } from '@bufbuild/protobuf';
import { type Timestamp, timestampDate } from '@bufbuild/protobuf/wkt';
import type { CommandDefinition } from '@opsledger/contracts';
import { type JobBody, type JobDeps, SCHEDULER_ACTOR, SCHEDULER_SOURCE } from './job';

/** What a log's prune answers, whatever it calls its records. */
interface LogPruneAnswer {
  before?: Timestamp;
  retentionDays: number;
  eventsPurged: bigint;
}

/**
 * A log's retention job (email.retention, logins.retention): asks the log's service to remove the records older than
 * its Settings → Retention period (the service reads the setting; the scheduler only says when). Idempotent: a repeat
 * finds nothing older left and records nothing.
 */
export const logRetentionJob =
  <R extends DescMessage>(log: {
    service: string;
    /** What it asks to remove ("Email Log records"), and how the answer names the records removed ("emails queued"). */
    asks: string;
    records: string;
    /** The log's prune command: its message is the scheduler's actor and source, as every job's. */
    command: CommandDefinition<DescMessage, R>;
    removed: (answer: MessageShape<R>) => bigint;
  }) =>
  (deps: JobDeps): JobBody =>
  async (io) => {
    io.print(`asking the ${log.service} service to remove ${log.asks} older than Settings → Retention keeps`);
    const answer = await deps.commands.send(log.command, { actor: SCHEDULER_ACTOR, source: SCHEDULER_SOURCE });
    const { before, retentionDays, eventsPurged } = answer as MessageShape<R> & LogPruneAnswer;
    const removed = log.removed(answer);
    const cutoff = before ? timestampDate(before).toISOString() : `${retentionDays} days ago`;
    io.print(
      removed > 0n
        ? `removed ${removed} ${log.records} before ${cutoff} (${retentionDays} days); ${eventsPurged} stream messages purged`
        : `nothing older than ${retentionDays} days`,
    );
  };
