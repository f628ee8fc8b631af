import { timestampDate } from '@bufbuild/protobuf/wkt';
import { tasksV1 } from '@opsledger/contracts';
import type { Projection, StoredEvent } from '@opsledger/eventstore';
import type { Transaction } from 'kysely';
import { taskListMigrations } from './task-list.migrations';
import type { TasksReadModel, TaskUpdate } from './task-tables';

/** Tasks and their log lines, as the Tasks page lists and shows them. */
export function taskListProjection(schema: string): Projection<TasksReadModel> {
  return {
    name: 'task-list',
    context: 'tasks',
    schema,
    migrations: taskListMigrations,
    tables: ['task', 'task_log', 'task_correlation'],
    async apply(trx, events) {
      for (const event of events) await applyOne(trx, event);
      const correlations = new Map<string, { correlation_id: string; task_id: string }>();
      for (const e of events)
        if (e.correlationId)
          correlations.set(`${e.correlationId} ${e.aggregateId}`, { correlation_id: e.correlationId, task_id: e.aggregateId });
      if (correlations.size)
        await trx
          .insertInto('task_correlation')
          .values([...correlations.values()])
          .onConflict((oc) => oc.columns(['correlation_id', 'task_id']).doNothing())
          .execute();
    },
  };
}

async function applyOne(trx: Transaction<TasksReadModel>, event: StoredEvent): Promise<void> {
  const data = event.data as
    | tasksV1.TaskCreated
    | tasksV1.TaskStarted
    | tasksV1.TaskProgressed
    | tasksV1.TaskLogged
    | tasksV1.TaskCompleted
    | tasksV1.TaskFailed
    | tasksV1.TaskCancelled
    | tasksV1.TaskRetried;
  const touch = { updated_at: event.occurredAt, version: event.streamSeq };
  const update = (set: TaskUpdate) =>
    trx
      .updateTable('task')
      .set({ ...set, ...touch })
      .where('id', '=', event.aggregateId)
      .execute();
  switch (data.$typeName) {
    case 'platform.tasks.v1.TaskCreated':
      await trx
        .insertInto('task')
        .values({
          id: event.aggregateId,
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
          ...touch,
        })
        .execute();
      return;
    case 'platform.tasks.v1.TaskStarted':
      await update({ status: 'running' });
      return;
    case 'platform.tasks.v1.TaskProgressed':
      await update({ progress: data.percent });
      return;
    case 'platform.tasks.v1.TaskLogged':
      await trx
        .insertInto('task_log')
        .values({
          task_id: event.aggregateId,
          stream_seq: event.streamSeq,
          at: data.at ? timestampDate(data.at) : event.occurredAt,
          level: tasksV1.LogLevelNames[data.level] ?? 'info',
          step: data.step,
          text: data.text,
        })
        .execute();
      await update({});
      return;
    case 'platform.tasks.v1.TaskCompleted':
      await update({ status: 'completed', progress: 100 });
      return;
    case 'platform.tasks.v1.TaskFailed':
      await update({ status: 'failed', error: data.error, retryable: data.retryable });
      return;
    case 'platform.tasks.v1.TaskCancelled':
      await update({ status: 'cancelled' });
      return;
    case 'platform.tasks.v1.TaskRetried':
      await update({ status: 'pending', attempt: data.attempt, progress: 0, error: null, retryable: false });
      return;
    default: {
      const never: never = data;
      throw new Error(`task-list cannot project ${(never as { $typeName: string }).$typeName}`);
    }
  }
}
