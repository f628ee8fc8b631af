import type { Timestamp } from '@opsledger/db';
import type { Selectable, Updateable } from 'kysely';

export type RunResultName = 'running' | 'succeeded' | 'failed' | 'timed_out';
export type ScheduleHealth = 'paused' | 'running_too_long' | 'never_ran' | 'overdue' | 'last_run_failed' | 'ok';

/** A recurring job as the Scheduler page lists it, in the `scheduler` schema. */
export interface JobTable {
  id: string;
  title: string;
  command: string;
  description: string;
  cron: string;
  timezone: string;
  default_cron: string;
  default_timezone: string;
  max_run_seconds: number;
  allow_overlap: boolean;
  paused: boolean;
  pause_note: string | null;
  registered_at: Timestamp;
  /**
   * When the schedule next owes a run: the first cron time after the later
   * of the registration, the last schedule change or resume, and the last
   * scheduled run. Past it (plus the grace) with no run started is overdue.
   */
  next_due_at: Timestamp;
  /** How long past `next_due_at` a run may take to start before the job counts as overdue. */
  grace_seconds: number;
  last_run_id: string | null;
  last_run_started_at: Timestamp | null;
  last_run_finished_at: Timestamp | null;
  last_result: RunResultName | null;
  last_duration_ms: number | null;
  /** Set while a run is going: the start of the run in progress. */
  running_since: Timestamp | null;
  running_run_id: string | null;
  updated_at: Timestamp;
  version: number;
}

/** One run of a job, with what it printed. */
export interface JobRunTable {
  id: string;
  job_id: string;
  trigger: 'schedule' | 'manual';
  scheduled_at: Timestamp;
  started_at: Timestamp;
  finished_at: Timestamp | null;
  result: RunResultName;
  duration_ms: number | null;
  output: string;
  output_truncated: boolean;
  detail: string;
  workflow_id: string;
}

/** `job` with its health computed from the facts at the moment it is read (a view). */
export interface ScheduleView extends JobTable {
  health: ScheduleHealth;
}

export interface SchedulerTables {
  job: JobTable;
  job_run: JobRunTable;
  schedule: ScheduleView;
}

export type ScheduleRow = Selectable<ScheduleView>;
export type JobRunRow = Selectable<JobRunTable>;
export type JobUpdate = Updateable<JobTable>;
