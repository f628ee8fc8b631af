import { timestampDate } from '@bufbuild/protobuf/wkt';
import { tasksV1 } from '@opsledger/contracts';
import type { Migrations } from '@opsledger/db';
import type { Projection } from '@opsledger/eventstore';
import type { Kysely } from 'kysely';
import type { AccountsTables } from './accounts.projection';
import { emailTime, type ReactionDeps, sendFor } from './reactions';

/** Tasks by id with their user: who a task.failed goes to. */
export interface TasksTables {
  task: { id: string; user_id: string; type: string; instance_id: string };
}

const migrations: Migrations = {
  '20261124T1000_create_task': {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('task')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('user_id', 'text', (c) => c.notNull())
        .addColumn('type', 'text', (c) => c.notNull())
        .addColumn('instance_id', 'text', (c) => c.notNull())
        .execute();
    },
  },
};

/**
 * The email service's lookup of tasks, fed by TASKS: when a task fails, its
 * user gets task.failed, at the address the accounts lookup (fed by
 * IDENTITY) holds; a user with no known account gets none, and the log says why.
 */
export function tasksProjection(schema: string, deps: ReactionDeps): Projection<TasksTables & AccountsTables> {
  return {
    name: 'email-tasks',
    context: 'tasks',
    schema,
    migrations,
    tables: ['task'],
    async apply(trx, events) {
      for (const event of events) {
        if (event.type === tasksV1.TaskCreatedSchema.typeName) {
          const t = event.data as tasksV1.TaskCreated;
          await trx
            .insertInto('task')
            .values({ id: t.taskId, user_id: t.target?.userId ?? '', type: t.type, instance_id: t.target?.instanceId ?? '' })
            .onConflict((oc) => oc.column('id').doNothing())
            .execute();
        } else if (event.type === tasksV1.TaskFailedSchema.typeName) {
          const failed = event.data as tasksV1.TaskFailed;
          const task = await trx.selectFrom('task').selectAll().where('id', '=', failed.taskId).executeTakeFirst();
          const user = task && (await trx.selectFrom('account').selectAll().where('id', '=', task.user_id).executeTakeFirst());
          if (!task || !user) {
            deps.log('info', 'failed task’s user has no known address: no task.failed email', {
              taskId: failed.taskId,
              userId: task?.user_id,
            });
            continue;
          }
          await sendFor(deps, event, {
            template: 'task.failed',
            to: user.email,
            data: {
              user: { name: user.name },
              task: { id: task.id, type: task.type, instance: task.instance_id, error: failed.error || 'no reason given' },
              failed: { at: emailTime(failed.failedAt ? timestampDate(failed.failedAt) : event.occurredAt) },
            },
          });
        }
      }
    },
  };
}
