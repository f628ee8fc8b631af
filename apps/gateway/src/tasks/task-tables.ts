import type { Generated, Timestamp } from '@opsledger/db';
import type { Insertable, Selectable, Updateable } from 'kysely';

/** The Tasks page's read model, in the `tasks` schema. */
export interface TaskTable {
  id: string;
  type: string;
  status: 'pending' | 'running' | 'completed' | 'failed' | 'cancelled';
  progress: number;
  attempt: number;
  user_id: string;
  hypervisor_id: string;
  instance_id: string;
  error: string | null;
  /** Set when the task fails: whether the tasks service allows a retry of that failure. */
  retryable: boolean;
  created_at: Timestamp;
  updated_at: Timestamp;
  /** Stream sequence of the last event applied: the version the page shows. */
  version: number;
}

export interface TaskLogTable {
  id: Generated<number>;
  task_id: string;
  stream_seq: number;
  at: Timestamp;
  level: 'info' | 'warn' | 'error';
  step: string;
  text: string;
}

/** Every correlation id a task's events carried (its create, each retry or cancel): an Audit Log entry links its tasks. */
export interface TaskCorrelationTable {
  correlation_id: string;
  task_id: string;
}

export interface TasksReadModel {
  task: TaskTable;
  task_log: TaskLogTable;
  task_correlation: TaskCorrelationTable;
}

export type TaskRow = Selectable<TaskTable>;
export type NewTaskRow = Insertable<TaskTable>;
export type TaskUpdate = Updateable<TaskTable>;
export type TaskLogRow = Selectable<TaskLogTable>;
