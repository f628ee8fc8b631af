import type { Projection } from '@opsledger/eventstore';
import { type ArrayColumns, columnNames, unnestRows } from '@opsledger/db';
import { type Insertable, sql, type Transaction } from 'kysely';
import { planTaskBatch, type TaskChange } from './task-list.batch';
import { taskListMigrations } from './task-list.migrations';
import type { NewTaskRow, TaskLogTable, TasksReadModel } from './task-tables';

const TASK_COLUMNS: ArrayColumns<NewTaskRow> = {
  id: 'text',
  type: 'text',
  status: 'text',
  progress: 'smallint',
  attempt: 'integer',
  user_id: 'text',
  hypervisor_id: 'text',
  instance_id: 'text',
  error: 'text',
  retryable: 'boolean',
  created_at: 'timestamptz',
  updated_at: 'timestamptz',
  version: 'bigint',
};

const LOG_COLUMNS: ArrayColumns<Omit<Insertable<TaskLogTable>, 'id'>> = {
  task_id: 'text',
  stream_seq: 'bigint',
  at: 'timestamptz',
  level: 'text',
  step: 'text',
  text: 'text',
};

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
type TaskChangeRow = TaskChange & { id: string; error_set: boolean };

const CHANGE_COLUMNS: ArrayColumns<TaskChangeRow> = {
  id: 'text',
  status: 'text',
  progress: 'smallint',
  attempt: 'integer',
  error: 'text',
  error_set: 'boolean',
  retryable: 'boolean',
  updated_at: 'timestamptz',
  version: 'bigint',
};

/**
 * Every task the batch changed, in one statement (a busy platform's batch changes a thousand tasks an earlier batch
 * created; a statement each made that 2.4 times slower).
 */
async function updateTasks(trx: Transaction<TasksReadModel>, schema: string, updates: Map<string, TaskChange>): Promise<void> {
  const rows = [...updates].map(([id, change]): TaskChangeRow => ({ ...change, id, error_set: 'error' in change }));
  // A column the batch did not set arrives as null and keeps its value; `error` is set when its flag says so.
  const kept = (column: string) =>
    column === 'error'
      ? sql`error = case when v.error_set then v.error else t.error end`
      : sql`${sql.id(column)} = coalesce(${sql.ref(`v.${column}`)}, ${sql.ref(`t.${column}`)})`;
  const columns = columnNames(CHANGE_COLUMNS);
  await sql`update ${sql.table(`${schema}.task`)} as t
    set ${sql.join(columns.filter((c) => c !== 'id' && c !== 'error_set').map(kept))}
    from (${unnestRows(rows, CHANGE_COLUMNS)}) as v(${sql.join(columns.map((c) => sql.id(c)))})
    where t.id = v.id`.execute(trx);
}
