import type { schedulerV1 } from '@opsledger/contracts';

/**
 * Commands of a run, sent by the run's workflow through its activities. Both
 * are idempotent: Temporal retries an activity whose result was lost, and the
 * repeat must not record the run twice.
 */
export type RunCommand =
  | {
      kind: 'StartRun';
      runId: string;
      jobId: string;
      trigger: schedulerV1.RunTrigger;
      scheduledAt: Date;
      workflowId: string;
      requestId: string;
      now: Date;
    }
  | {
      kind: 'FinishRun';
      result: schedulerV1.RunResult;
      output: string;
      outputTruncated: boolean;
      detail: string;
      now: Date;
    };
