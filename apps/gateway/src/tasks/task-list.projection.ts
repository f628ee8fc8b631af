import type { Projection } from '@opsledger/eventstore';
import { planTaskBatch } from './task-list.batch';
import { taskListMigrations } from './task-list.migrations';
import type { TasksReadModel } from './task-tables';

/** Rows in one INSERT: under Postgres' 65,535 bind parameters at the task table's 13 columns. */
const ROWS_PER_INSERT = 2_000;

/**
 * Tasks and their log lines, as the Tasks page lists and shows them. A batch is folded first (planTaskBatch): one
 * multi-row insert of new tasks, one update per other task and one insert of log lines, not a statement per event.
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
      for (const [id, change] of plan.updates) await trx.updateTable('task').set(change).where('id', '=', id).execute();
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
