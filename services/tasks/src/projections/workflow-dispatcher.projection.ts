import { tasksV1 } from '@opsledger/contracts';
import type { Projection, StoredEvent } from '@opsledger/eventstore';
import { type Client, WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError } from '@temporalio/client';
import type { Kysely, Transaction } from 'kysely';
import { runTask } from '../workflows/run-task.workflow';
import { type RunTaskInput, workflowIdOf } from '../workflows/task-steps';

interface TaskDispatchTable {
  task_id: string;
  type: string;
  hypervisor_id: string;
  instance_id: string;
  attempt: number;
  step_timeout_ms: number;
}
interface DispatchTables {
  task_dispatch: TaskDispatchTable;
}

export interface DispatcherSettings {
  client: Client;
  taskQueue: string;
  defaultStepTimeoutMs: number;
}

/**
 * Starts each task attempt's workflow from the event that asks for it
 * (TaskCreated, TaskRetried) and stops the workflow of a cancelled task.
 * Driven by the stream, not by the command handler, so there is no dual
 * write: a crash before the checkpoint commits replays the event, and
 * Temporal refuses the duplicate workflow id. Its table remembers what a
 * retry needs (type, target) and which attempt is current.
 */
export function workflowDispatcherProjection(schema: string, settings: DispatcherSettings): Projection<DispatchTables> {
  return {
    name: 'workflow-dispatcher',
    context: 'tasks',
    schema,
    tables: ['task_dispatch'],
    migrations: {
      '20261121T2340_create_task_dispatch': {
        async up(db: Kysely<any>) {
          await db.schema
            .createTable('task_dispatch')
            .addColumn('task_id', 'text', (c) => c.primaryKey())
            .addColumn('type', 'text', (c) => c.notNull())
            .addColumn('hypervisor_id', 'text', (c) => c.notNull())
            .addColumn('instance_id', 'text', (c) => c.notNull())
            .addColumn('attempt', 'integer', (c) => c.notNull())
            .addColumn('step_timeout_ms', 'integer', (c) => c.notNull())
            .execute();
        },
      },
    },
    async apply(trx, events) {
      for (const event of events) await dispatch(trx, event, settings);
    },
  };
}

async function dispatch(trx: Transaction<DispatchTables>, event: StoredEvent, settings: DispatcherSettings): Promise<void> {
  const data = event.data as tasksV1.TaskEvent;
  switch (data.$typeName) {
    case 'platform.tasks.v1.TaskCreated': {
      // protobuf-es hands a google.protobuf.Struct field over as a plain JSON object.
      const params: Record<string, unknown> = data.params ?? {};
      const row: TaskDispatchTable = {
        task_id: data.taskId,
        type: data.type,
        hypervisor_id: data.target?.hypervisorId ?? '',
        instance_id: data.target?.instanceId ?? '',
        attempt: data.attempt || 1,
        step_timeout_ms: typeof params.stepTimeoutMs === 'number' ? params.stepTimeoutMs : settings.defaultStepTimeoutMs,
      };
      await trx
        .insertInto('task_dispatch')
        .values(row)
        .onConflict((oc) => oc.column('task_id').doNothing())
        .execute();
      return start(settings, row);
    }
    case 'platform.tasks.v1.TaskRetried': {
      const row = await trx
        .updateTable('task_dispatch')
        .set({ attempt: data.attempt })
        .where('task_id', '=', data.taskId)
        .returningAll()
        .executeTakeFirst();
      if (row) await start(settings, row);
      return;
    }
    case 'platform.tasks.v1.TaskCancelled': {
      const row = await trx.selectFrom('task_dispatch').selectAll().where('task_id', '=', data.taskId).executeTakeFirst();
      if (!row) return;
      try {
        await settings.client.workflow.getHandle(workflowIdOf(row.task_id, row.attempt)).terminate(`task cancelled: ${data.reason}`);
      } catch (error) {
        // Already finished or never started: nothing left to stop.
        if (!(error instanceof WorkflowNotFoundError)) throw error;
      }
      return;
    }
    default:
      return;
  }
}

async function start(settings: DispatcherSettings, row: TaskDispatchTable): Promise<void> {
  const input: RunTaskInput = {
    taskId: row.task_id,
    attempt: row.attempt,
    type: row.type,
    hypervisorId: row.hypervisor_id,
    instanceId: row.instance_id,
    stepTimeoutMs: row.step_timeout_ms,
  };
  try {
    await settings.client.workflow.start(runTask, {
      taskQueue: settings.taskQueue,
      workflowId: workflowIdOf(row.task_id, row.attempt),
      // A replayed event (rebuild, a batch retried) must not run a finished attempt again.
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
      args: [input],
    });
  } catch (error) {
    if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
  }
}
