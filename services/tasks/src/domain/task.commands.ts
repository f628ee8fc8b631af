import type { JsonObject } from '@bufbuild/protobuf';

export type LogLevel = 'info' | 'warn' | 'error';

/**
 * Commands the task aggregate decides on. Time is given, never read from a
 * clock, so a decision is a pure function of state and command. The
 * workflow's commands (start, progress, log, complete, fail) are idempotent:
 * Temporal retries an activity whose result was lost, and a repeat must not
 * write its events twice.
 */
export type TaskCommand =
  | {
      kind: 'CreateTask';
      taskId: string;
      type: string;
      target: { userId: string; hypervisorId: string; instanceId: string };
      params: JsonObject;
      now: Date;
    }
  | { kind: 'StartTask'; workflowId: string; runId: string; now: Date }
  | { kind: 'ProgressTask'; percent: number; now: Date }
  | { kind: 'LogTaskLine'; level: LogLevel; step: string; text: string; now: Date }
  | { kind: 'CompleteTask'; now: Date }
  | { kind: 'FailTask'; error: string; now: Date }
  | { kind: 'CancelTask'; reason: string; now: Date }
  | { kind: 'RetryTask'; now: Date }
  /** The stuck sweep: a warning line when the task is running and past its budget since its last sign of life. */
  | { kind: 'FlagStuckTask'; defaultStepTimeoutMs: number; now: Date };
