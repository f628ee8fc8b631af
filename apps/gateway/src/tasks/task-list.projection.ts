import type { Projection } from '@opsledger/eventstore';
import { sql, type Transaction } from 'kysely';
import { planTaskBatch } from './task-list.batch';
import { taskListMigrations } from './task-list.migrations';
import type { TasksReadModel, TaskUpdate } from './task-tables';

/** Rows in one INSERT: under Postgres' 65,535 bind parameters at the task table's 13 columns. */
const ROWS_PER_INSERT = 2_000;

/**
 * Tasks and their log lines, as the Tasks page lists and shows them. A batch is folded first (planTaskBatch): one
 * multi-row insert of new tasks, one update of every other task it changed and one insert of log lines, not a
 * statement per event or per task.
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
      for (let i = 0; i < plan.inserts.length; i += ROWS_PER_INSERT)
        await trx
          .insertInto('task')
          .values(plan.inserts.slice(i, i + ROWS_PER_INSERT))
          .execute();
      if (plan.updates.size > 0) await updateTasks(trx, schema, plan.updates);
      for (let i = 0; i < plan.logs.length; i += ROWS_PER_INSERT)
        await trx
          .insertInto('task_log')
          .values(plan.logs.slice(i, i + ROWS_PER_INSERT))
          .execute();
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

/**
 * Every task the batch changed, in one statement over arrays (a busy platform's batch changes a thousand tasks an
 * earlier batch created; a statement each made that 3.5 times slower). A column the batch did not set arrives as null
 * and keeps its value; `error`, which a retry sets to null, says whether it was set in an array of its own.
 */
async function updateTasks(trx: Transaction<TasksReadModel>, schema: string, updates: Map<string, TaskUpdate>): Promise<void> {
  const id: string[] = [];
  const status: (string | null)[] = [];
  const progress: (number | null)[] = [];
  const attempt: (number | null)[] = [];
  const error: (string | null)[] = [];
  const errorSet: boolean[] = [];
  const retryable: (boolean | null)[] = [];
  const updatedAt: (Date | string | null)[] = [];
  const version: (number | null)[] = [];
  for (const [taskId, change] of updates) {
    id.push(taskId);
    status.push(change.status ?? null);
    progress.push(change.progress ?? null);
    attempt.push(change.attempt ?? null);
    error.push(change.error ?? null);
    errorSet.push('error' in change);
    retryable.push(change.retryable ?? null);
    updatedAt.push(change.updated_at ?? null);
    version.push(change.version ?? null);
  }
  await sql`update ${sql.table(`${schema}.task`)} as t set
      status = coalesce(v.status, t.status),
      progress = coalesce(v.progress, t.progress),
      attempt = coalesce(v.attempt, t.attempt),
      error = case when v.error_set then v.error else t.error end,
      retryable = coalesce(v.retryable, t.retryable),
      updated_at = coalesce(v.updated_at, t.updated_at),
      version = coalesce(v.version, t.version)
    from unnest(${id}::text[], ${status}::text[], ${progress}::smallint[], ${attempt}::int[], ${error}::text[],
      ${errorSet}::boolean[], ${retryable}::boolean[], ${updatedAt}::timestamptz[], ${version}::bigint[])
      as v(id, status, progress, attempt, error, error_set, retryable, updated_at, version)
    where t.id = v.id`.execute(trx);
}
