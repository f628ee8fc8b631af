import { ActivityFailure, ApplicationFailure, proxyActivities, TimeoutFailure, workflowInfo } from '@temporalio/workflow';
import type { createRunActivities } from '../activities/run.activities';
import type { JobBodyResult } from '../activities/run.activities';

type Activities = ReturnType<typeof createRunActivities>;

/** What a schedule (or a Run now request) starts. A scheduled run carries only the job id. */
export interface RunJobInput {
  jobId: string;
  /** A Run now request: the run is manual and answers it. */
  requestId?: string;
  /** ISO time of the request: a manual run's `scheduled_at`. */
  requestedAt?: string;
}

/** Mirrors the contract's RunResult (the workflow bundle stays free of protobuf). */
export type RunResultName = 'succeeded' | 'failed' | 'timed_out';

/** Temporal sets this on every workflow a schedule starts: the time the schedule meant it for. */
const SCHEDULED_START = { name: 'TemporalScheduledStartTime', type: 'DATETIME' as const };

const bookkeeping = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: {
    initialInterval: '200 milliseconds',
    backoffCoefficient: 2,
    maximumInterval: '10 seconds',
    nonRetryableErrorTypes: ['RunRuleViolation'],
  },
});

/**
 * One run of one job: records it started (idempotently, keyed by this
 * workflow's run id), runs the job's activity within the job's maximum run
 * time, and records how it finished with what it printed. Deterministic:
 * every event is written by an activity, never from here.
 */
export async function runJob(input: RunJobInput): Promise<RunResultName> {
  const info = workflowInfo();
  const manual = input.requestId !== undefined;
  const scheduledAt = manual
    ? (input.requestedAt ?? info.startTime.toISOString())
    : (info.typedSearchAttributes.get(SCHEDULED_START) ?? info.startTime).toISOString();
  // The first execution's run id: stable for this run whatever Temporal retries.
  const runId = info.firstExecutionRunId;

  const started = await bookkeeping.startRun({
    runId,
    jobId: input.jobId,
    manual,
    scheduledAt,
    workflowId: info.workflowId,
    requestId: input.requestId ?? '',
  });
  if (!started.known) {
    await bookkeeping.finishRun({
      runId,
      result: 'failed',
      output: '',
      outputTruncated: false,
      detail: `this release has no job ${input.jobId}`,
    });
    return 'failed';
  }

  const { runJobBody } = proxyActivities<Activities>({
    // The job's maximum run time bounds the whole run, retries included: past it, the run is timed out.
    startToCloseTimeout: `${started.maxRunSeconds} seconds`,
    scheduleToCloseTimeout: `${started.maxRunSeconds} seconds`,
    // A job heartbeats while it works (its output so far rides along): a lost worker is noticed in seconds.
    heartbeatTimeout: '20 seconds',
    retry: {
      initialInterval: '1 second',
      backoffCoefficient: 2,
      maximumInterval: '10 seconds',
      maximumAttempts: 3,
      // A job that failed fails the run; only a lost worker is worth another attempt within the same run.
      nonRetryableErrorTypes: ['JobFailed'],
    },
  });

  let outcome: { result: RunResultName; output: JobBodyResult; detail: string };
  try {
    outcome = { result: 'succeeded', output: await runJobBody({ runId, jobId: input.jobId, scheduledAt, manual }), detail: '' };
  } catch (error) {
    outcome = failureOf(error, started.maxRunSeconds);
  }
  await bookkeeping.finishRun({
    runId,
    result: outcome.result,
    output: outcome.output.output,
    outputTruncated: outcome.output.truncated,
    detail: outcome.detail,
  });
  return outcome.result;
}

function failureOf(error: unknown, maxRunSeconds: number): { result: RunResultName; output: JobBodyResult; detail: string } {
  const cause = error instanceof ActivityFailure ? error.cause : error;
  if (cause instanceof TimeoutFailure) {
    const output = asOutput((cause.lastHeartbeatDetails as { output?: JobBodyResult } | undefined)?.output);
    if (cause.timeoutType === 'HEARTBEAT' || (cause.cause instanceof TimeoutFailure && cause.cause.timeoutType === 'HEARTBEAT'))
      return { result: 'timed_out', output, detail: `the worker running it stopped answering and ${maxRunSeconds} s ran out` };
    return { result: 'timed_out', output, detail: `cut off after ${maxRunSeconds} s, the job's maximum run time` };
  }
  if (cause instanceof ApplicationFailure) {
    return { result: 'failed', output: asOutput(cause.details?.[0]), detail: cause.message };
  }
  return { result: 'failed', output: asOutput(undefined), detail: (cause as Error)?.message ?? String(cause) };
}

function asOutput(value: unknown): JobBodyResult {
  const v = value as Partial<JobBodyResult> | undefined;
  return { output: typeof v?.output === 'string' ? v.output : '', truncated: v?.truncated === true };
}
