import { schedulerV1 } from '@opsledger/contracts';
import { AggregateNotFound, handleCommand, type HandleCommandDeps, RuleViolation } from '@opsledger/eventstore';
import { activityInfo, ApplicationFailure, Context } from '@temporalio/activity';
import { type Kysely, sql } from 'kysely';
import { runRef } from '../domain/refs';
import { type RunCommand, runDecider } from '../domain/run.decider';
import { RunOutput, type RunOutputText } from '../domain/run-output';
import type { RunResultName } from '../workflows/run-job.workflow';
import { SCHEDULER_CONTEXT, type ScheduledJob } from './jobs/job';

export interface RunActivityDeps extends HandleCommandDeps {
  now: () => Date;
  jobs: ReadonlyMap<string, ScheduledJob>;
  /** For the no-overlap lock: one Postgres advisory lock per job, held while a run works. */
  db: Kysely<any>;
  schema: string;
}

/** What a job printed, as the workflow passes it on to JobRunFinished. */
export type JobBodyResult = RunOutputText;

/** Heartbeat details: the output so far and the job's own progress. */
interface Beat {
  output: RunOutputText;
  progress: unknown;
}

const RESULTS: Record<RunResultName, schedulerV1.RunResult> = {
  succeeded: schedulerV1.RunResult.SUCCEEDED,
  failed: schedulerV1.RunResult.FAILED,
  timed_out: schedulerV1.RunResult.TIMED_OUT,
};

/** While a job works, its heartbeat goes out at least this often (the worker throttles what reaches Temporal). */
const KEEPALIVE_MS = 2_000;

/**
 * The run workflow's activities: the bookkeeping that records the run
 * (idempotent through the run decider: a retried start or finish writes
 * nothing twice), and the job itself, with its output captured and bounded.
 */
export function createRunActivities(deps: RunActivityDeps) {
  const write = async (runId: string, command: RunCommand) => {
    try {
      await handleCommand(deps, runRef(runId), runDecider, command, SCHEDULER_CONTEXT);
    } catch (error) {
      if (error instanceof RuleViolation || error instanceof AggregateNotFound)
        throw ApplicationFailure.nonRetryable(error.message, 'RunRuleViolation');
      throw error;
    }
  };

  return {
    /** JobRunStarted, once per run; says whether this release knows the job and how long it may run. */
    async startRun(input: { runId: string; jobId: string; manual: boolean; scheduledAt: string; workflowId: string; requestId: string }) {
      await write(input.runId, {
        kind: 'StartRun',
        runId: input.runId,
        jobId: input.jobId,
        trigger: input.manual ? schedulerV1.RunTrigger.MANUAL : schedulerV1.RunTrigger.SCHEDULE,
        scheduledAt: new Date(input.scheduledAt),
        workflowId: input.workflowId,
        requestId: input.requestId,
        now: deps.now(),
      });
      const job = deps.jobs.get(input.jobId);
      return { known: job !== undefined, maxRunSeconds: job?.declaration.maxRunSeconds ?? 0 };
    },

    /** JobRunFinished, once per run. */
    async finishRun(input: { runId: string; result: RunResultName; output: string; outputTruncated: boolean; detail: string }) {
      await write(input.runId, {
        kind: 'FinishRun',
        result: RESULTS[input.result],
        output: input.output,
        outputTruncated: input.outputTruncated,
        detail: input.detail,
        now: deps.now(),
      });
    },

    /**
     * The job itself. Its lines are captured (bounded) and heartbeated, so a
     * run cut off at its maximum run time still shows what it printed; a job
     * that throws fails the run with its output so far and its error. Only a
     * lost worker is retried (by Temporal, within the maximum run time), and
     * the retry continues the output and sees the progress saved.
     */
    async runJobBody(input: { runId: string; jobId: string; scheduledAt: string; manual: boolean }): Promise<JobBodyResult> {
      const job = deps.jobs.get(input.jobId);
      if (!job) throw ApplicationFailure.nonRetryable(`this release has no job ${input.jobId}`, 'JobFailed');
      const context = Context.current();
      const { attempt, heartbeatDetails } = activityInfo();
      const previous = heartbeatDetails as Beat | undefined;
      const output = RunOutput.resume(previous?.output);
      let progress = previous?.progress;
      const beat = () => context.heartbeat({ output: output.text(), progress } satisfies Beat);
      const print = (text: string) => {
        const time = new Date().toISOString().slice(11, 19);
        for (const line of text.split('\n')) output.print(`${time} ${line}`);
        beat();
      };
      if (attempt > 1) print(`— attempt ${attempt}: the worker running the previous attempt was lost —`);
      const keepalive = setInterval(beat, KEEPALIVE_MS);
      try {
        await withOverlapGuard(deps, job, () =>
          job.run({
            runId: input.runId,
            jobId: input.jobId,
            scheduledAt: new Date(input.scheduledAt),
            manual: input.manual,
            attempt,
            print,
            progress,
            saveProgress(value) {
              progress = value;
              beat();
            },
            signal: context.cancellationSignal,
          }),
        );
        return output.text();
      } catch (error) {
        // Cut off (timed out, cancelled): Temporal has recorded that already; what we throw is not read.
        if (context.cancellationSignal.aborted) throw error;
        print(`failed: ${(error as Error).message}`);
        throw ApplicationFailure.create({
          message: (error as Error).message,
          type: 'JobFailed',
          nonRetryable: true,
          details: [output.text()],
        });
      } finally {
        clearInterval(keepalive);
      }
    },
  };
}

/**
 * A job that must not overlap holds a Postgres advisory lock while it runs:
 * the schedule's SKIP policy keeps scheduled runs apart, and this keeps a
 * Run now from running beside a scheduled run (or another Run now). The lock
 * lives on the run's own connection, so a worker that dies releases it.
 */
async function withOverlapGuard(deps: RunActivityDeps, job: ScheduledJob, run: () => Promise<void>) {
  if (job.declaration.allowOverlap) return run();
  const key = `opsledger.scheduler.${deps.schema}.${job.declaration.id}`;
  await deps.db.connection().execute(async (connection) => {
    const { rows } = await sql<{ ok: boolean }>`select pg_try_advisory_lock(hashtext(${key})) as ok`.execute(connection);
    if (!rows[0]?.ok) throw new Error(`not run: another run of ${job.declaration.id} is still going (this job does not overlap)`);
    try {
      await run();
    } finally {
      await sql`select pg_advisory_unlock(hashtext(${key}))`.execute(connection).catch(() => undefined);
    }
  });
}
