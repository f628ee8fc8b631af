import { timestampDate } from '@bufbuild/protobuf/wkt';
import { tasksV1 } from '@opsledger/contracts';
import type { StoredEvent } from '@opsledger/eventstore';
import type { Insertable } from 'kysely';
import type { NewTaskRow, TaskLogTable, TaskUpdate } from './task-tables';

type TaskEvent =
  | tasksV1.TaskCreated
  | tasksV1.TaskStarted
  | tasksV1.TaskProgressed
  | tasksV1.TaskLogged
  | tasksV1.TaskCompleted
  | tasksV1.TaskFailed
  | tasksV1.TaskCancelled
  | tasksV1.TaskRetried;

/** The columns an event after a task's creation sets: the batch's update of a task carries these and no others. */
export type TaskChange = Pick<TaskUpdate, 'status' | 'progress' | 'attempt' | 'error' | 'retryable' | 'updated_at' | 'version'>;

/** What a batch of events does to the Tasks read model, as few statements: one row per new task, one change per other task. */
export interface TaskBatchPlan {
  /** Tasks created in the batch, with every later event of the batch already folded in. */
  inserts: NewTaskRow[];
  /** Tasks created before the batch: each one's columns as the batch leaves them. */
  updates: Map<string, TaskChange>;
  logs: Insertable<TaskLogTable>[];
}

/**
 * Folds a batch of the TASKS stream, in stream order, into the rows it leaves. Each event sets columns (none adds to
 * what is stored), so the last value of a column in the batch is the one the row ends with: the same rows as applying
 * the events one by one, with a statement per task instead of one per event.
 */
export function planTaskBatch(events: readonly StoredEvent[]): TaskBatchPlan {
  const inserts = new Map<string, NewTaskRow>();
  const updates = new Map<string, TaskChange>();
  const logs: Insertable<TaskLogTable>[] = [];
  for (const event of events) {
    const data = event.data as TaskEvent;
    const id = event.aggregateId;
    if (data.$typeName === 'platform.tasks.v1.TaskCreated') {
      inserts.set(id, {
        id,
        type: data.type,
        status: 'pending',
        progress: 0,
        attempt: data.attempt || 1,
        user_id: data.target?.userId ?? '',
        hypervisor_id: data.target?.hypervisorId ?? '',
        instance_id: data.target?.instanceId ?? '',
        error: null,
        retryable: false,
        created_at: data.createdAt ? timestampDate(data.createdAt) : event.occurredAt,
        updated_at: event.occurredAt,
        version: event.streamSeq,
      });
      continue;
    }
    if (data.$typeName === 'platform.tasks.v1.TaskLogged')
      logs.push({
        task_id: id,
        stream_seq: event.streamSeq,
        at: data.at ? timestampDate(data.at) : event.occurredAt,
        level: tasksV1.LogLevelNames[data.level] ?? 'info',
        step: data.step,
        text: data.text,
      });
    const change: TaskChange = { ...columnsSetBy(data), updated_at: event.occurredAt, version: event.streamSeq };
    const created = inserts.get(id);
    if (created) Object.assign(created, change);
    else updates.set(id, { ...updates.get(id), ...change });
  }
  return { inserts: [...inserts.values()], updates, logs };
}

function columnsSetBy(data: Exclude<TaskEvent, tasksV1.TaskCreated>): TaskChange {
  switch (data.$typeName) {
    case 'platform.tasks.v1.TaskStarted':
      return { status: 'running' };
    case 'platform.tasks.v1.TaskProgressed':
      return { progress: data.percent };
    case 'platform.tasks.v1.TaskLogged':
      return {};
    case 'platform.tasks.v1.TaskCompleted':
      return { status: 'completed', progress: 100 };
    case 'platform.tasks.v1.TaskFailed':
      return { status: 'failed', error: data.error, retryable: data.retryable };
    case 'platform.tasks.v1.TaskCancelled':
      return { status: 'cancelled' };
    case 'platform.tasks.v1.TaskRetried':
      return { status: 'pending', attempt: data.attempt, progress: 0, error: null, retryable: false };
    default: {
      const never: never = data;
      throw new Error(`task-list cannot project ${(never as { $typeName: string }).$typeName}`);
    }
  }
}
