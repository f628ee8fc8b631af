import { type Timestamp, timestampDate } from '@bufbuild/protobuf/wkt';
import { tasksV1 } from '@opsledger/contracts';
import type { Projection, StoredEvent } from '@opsledger/eventstore';
import { startWorkflowOnce } from '@opsledger/service-runtime';
import { type Client, WorkflowNotFoundError } from '@temporalio/client';
import type { Kysely, Transaction } from 'kysely';
import { STUCK_STEP, stepTimeoutOf } from '../domain/stuck-tasks';
import { runTask, type RunTaskInput, workflowIdOf } from '../workflows/run-task.workflow';

export interface TaskDispatchTable {
  task_id: string;
  type: string;
  hypervisor_id: string;
  instance_id: string;
  attempt: number;
  step_timeout_ms: number;
  /** pending, running, completed, failed, cancelled; null for a task last seen before this column existed. */
  status: string | null;
  /** Its last sign of life (created, started, progress, a line of its own): what the stuck sweep measures from. */
  last_activity_at: Date | null;
  /** The stuck sweep warned about the current stall. */
  stall_warned: boolean;
}
export interface DispatchTables {
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
 * retry needs (type, target) and which attempt is current, and each task's
 * status and last sign of life for the stuck sweep.
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
      '20261123T1000_task_dispatch_activity': {
        async up(db: Kysely<any>) {
          // Rows of tasks seen before stay null until their next event: the sweep looks at running tasks only.
          await db.schema
            .alterTable('task_dispatch')
            .addColumn('status', 'text')
            .addColumn('last_activity_at', 'timestamptz')
            .addColumn('stall_warned', 'boolean', (c) => c.notNull().defaultTo(false))
            .execute();
          await db.schema
            .createIndex('task_dispatch_running')
            .on('task_dispatch')
            .column('status')
            .where('status', '=', 'running')
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
        step_timeout_ms: stepTimeoutOf(params, settings.defaultStepTimeoutMs),
        status: 'pending',
        last_activity_at: dateOf(data.createdAt, event),
        stall_warned: false,
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
        .set({ attempt: data.attempt, status: 'pending', last_activity_at: dateOf(data.retriedAt, event), stall_warned: false })
        .where('task_id', '=', data.taskId)
        .returningAll()
        .executeTakeFirst();
      if (row) await start(settings, row);
      return;
    }
    case 'platform.tasks.v1.TaskStarted':
      return activity(trx, data.taskId, { status: 'running', last_activity_at: dateOf(data.startedAt, event), stall_warned: false });
    case 'platform.tasks.v1.TaskProgressed':
      return activity(trx, data.taskId, { last_activity_at: dateOf(data.at, event), stall_warned: false });
    case 'platform.tasks.v1.TaskLogged':
      // The sweep's own warning is no sign of life.
      return activity(
        trx,
        data.taskId,
        data.step === STUCK_STEP ? { stall_warned: true } : { last_activity_at: dateOf(data.at, event), stall_warned: false },
      );
    case 'platform.tasks.v1.TaskCompleted':
      return activity(trx, data.taskId, { status: 'completed' });
    case 'platform.tasks.v1.TaskFailed':
      return activity(trx, data.taskId, { status: 'failed' });
    case 'platform.tasks.v1.TaskCancelled': {
      await activity(trx, data.taskId, { status: 'cancelled' });
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

async function activity(trx: Transaction<DispatchTables>, taskId: string, set: Partial<TaskDispatchTable>): Promise<void> {
  await trx.updateTable('task_dispatch').set(set).where('task_id', '=', taskId).execute();
}

const dateOf = (ts: Timestamp | undefined, event: StoredEvent): Date => (ts ? timestampDate(ts) : event.occurredAt);

async function start(settings: DispatcherSettings, row: TaskDispatchTable): Promise<void> {
  const input: RunTaskInput = {
    taskId: row.task_id,
    attempt: row.attempt,
    type: row.type,
    hypervisorId: row.hypervisor_id,
    instanceId: row.instance_id,
    stepTimeoutMs: row.step_timeout_ms,
  };
  // A replayed event (rebuild, a batch retried) must not run a finished attempt again.
  await startWorkflowOnce(settings.client, runTask, {
    taskQueue: settings.taskQueue,
    workflowId: workflowIdOf(row.task_id, row.attempt),
    args: [input],
  });
}
