import type { Projection } from '@opsledger/eventstore';
import { type ArrayColumn, columnNames, unnestRows } from '@opsledger/db';
import { type Insertable, sql, type Transaction } from 'kysely';
import { planTaskBatch } from './task-list.batch';
import { taskListMigrations } from './task-list.migrations';
import type { NewTaskRow, TaskLogTable, TasksReadModel, TaskUpdate } from './task-tables';

const TASK_COLUMNS: ArrayColumn<NewTaskRow>[] = [
  { name: 'id', type: 'text' },
  { name: 'type', type: 'text' },
  { name: 'status', type: 'text' },
  { name: 'progress', type: 'smallint' },
  { name: 'attempt', type: 'integer' },
  { name: 'user_id', type: 'text' },
  { name: 'hypervisor_id', type: 'text' },
  { name: 'instance_id', type: 'text' },
  { name: 'error', type: 'text' },
  { name: 'retryable', type: 'boolean' },
  { name: 'created_at', type: 'timestamptz' },
  { name: 'updated_at', type: 'timestamptz' },
  { name: 'version', type: 'bigint' },
];

const LOG_COLUMNS: ArrayColumn<Insertable<TaskLogTable>>[] = [
  { name: 'task_id', type: 'text' },
  { name: 'stream_seq', type: 'bigint' },
  { name: 'at', type: 'timestamptz' },
  { name: 'level', type: 'text' },
  { name: 'step', type: 'text' },
  { name: 'text', type: 'text' },
];

/**
 * Tasks and their log lines, as the Tasks page lists and shows them. A batch is folded first (planTaskBatch): one
 * insert of new tasks, one update of every other task it changed and one insert of log lines, each over arrays
 * (unnestRows), not a statement per event or per task.
 */
export function taskListProjection(schema: string): Projection<TasksReadModel> {
  return {
    name: 'task-list',
    context: 'tasks',
    schema,
    migrations: taskListMigrations,
    tables: ['task', 'task_log', 'task_correlation'],
    async apply(trx, events) {
      const plan = planTaskBatch(events);
      if (plan.inserts.length > 0)
        await trx.insertInto('task').columns(columnNames(TASK_COLUMNS)).expression(unnestRows(plan.inserts, TASK_COLUMNS)).execute();
      if (plan.updates.size > 0) await updateTasks(trx, schema, plan.updates);
      if (plan.logs.length > 0)
        await trx.insertInto('task_log').columns(columnNames(LOG_COLUMNS)).expression(unnestRows(plan.logs, LOG_COLUMNS)).execute();
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

/** A task's change as one row of the update: `error_set` says whether the batch set `error` (a retry sets it to null). */
type TaskChangeRow = TaskUpdate & { id: string; error_set: boolean };

const CHANGE_COLUMNS: ArrayColumn<TaskChangeRow>[] = [
  { name: 'id', type: 'text' },
  { name: 'status', type: 'text' },
  { name: 'progress', type: 'smallint' },
  { name: 'attempt', type: 'integer' },
  { name: 'error', type: 'text' },
  { name: 'error_set', type: 'boolean' },
  { name: 'retryable', type: 'boolean' },
  { name: 'updated_at', type: 'timestamptz' },
  { name: 'version', type: 'bigint' },
];

/**
 * Every task the batch changed, in one statement (a busy platform's batch changes a thousand tasks an earlier batch
 * created; a statement each made that 2.4 times slower). A column the batch did not set arrives as null and keeps its
 * value.
 */
async function updateTasks(trx: Transaction<TasksReadModel>, schema: string, updates: Map<string, TaskUpdate>): Promise<void> {
  const rows = [...updates].map(([id, change]): TaskChangeRow => ({ ...change, id, error_set: 'error' in change }));
  await sql`update ${sql.table(`${schema}.task`)} as t set
      status = coalesce(v.status, t.status),
      progress = coalesce(v.progress, t.progress),
      attempt = coalesce(v.attempt, t.attempt),
      error = case when v.error_set then v.error else t.error end,
      retryable = coalesce(v.retryable, t.retryable),
      updated_at = coalesce(v.updated_at, t.updated_at),
      version = coalesce(v.version, t.version)
    from (${unnestRows(rows, CHANGE_COLUMNS)}) as v(${sql.join(columnNames(CHANGE_COLUMNS).map((c) => sql.id(c)))})
    where t.id = v.id`.execute(trx);
}
