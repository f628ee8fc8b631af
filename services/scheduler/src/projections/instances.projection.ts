import { timestampDate } from '@bufbuild/protobuf/wkt';
import type { tasksV1 } from '@opsledger/contracts';
import type { Projection, StoredEvent } from '@opsledger/eventstore';
import type { Kysely, Transaction } from 'kysely';
import type { SchedulerTables } from './private-tables';

export const INSTANCES = 'instances';

/** The param of a snapshot task that names the scheduler run which created it. */
export const SCHEDULER_RUN_PARAM = 'schedulerRunId';

/**
 * The instances the daily snapshot job snapshots, from the TASKS stream (the
 * tasks context's public events): an instance exists once a deploy of it
 * completed, and its deploy's `params.backup` says whether its daily backup
 * is on (an admin's switch, on SCHEDULER, is the dispatcher's table). Also
 * the snapshot tasks scheduler runs created, so a retried run can tell what
 * it already did.
 */
export function instancesProjection(schema: string): Projection<SchedulerTables> {
  return {
    name: INSTANCES,
    context: 'tasks',
    schema,
    tables: ['deploy_task', 'instance', 'snapshot_task'],
    migrations: {
      '20261123T0910_create_instances': {
        async up(db: Kysely<any>) {
          await db.schema
            .createTable('deploy_task')
            .addColumn('task_id', 'text', (c) => c.primaryKey())
            .addColumn('instance_id', 'text', (c) => c.notNull())
            .addColumn('user_id', 'text', (c) => c.notNull())
            .addColumn('hypervisor_id', 'text', (c) => c.notNull())
            .addColumn('backup_daily', 'boolean')
            .addColumn('created_at', 'timestamptz', (c) => c.notNull())
            .execute();
          await db.schema
            .createTable('instance')
            .addColumn('instance_id', 'text', (c) => c.primaryKey())
            .addColumn('user_id', 'text', (c) => c.notNull())
            .addColumn('hypervisor_id', 'text', (c) => c.notNull())
            .addColumn('deployed_at', 'timestamptz', (c) => c.notNull())
            .addColumn('deploy_backup_daily', 'boolean', (c) => c.notNull())
            .addColumn('deploy_backup_at', 'timestamptz', (c) => c.notNull())
            .execute();
          await db.schema
            .createTable('snapshot_task')
            .addColumn('task_id', 'text', (c) => c.primaryKey())
            .addColumn('instance_id', 'text', (c) => c.notNull())
            .addColumn('run_id', 'text', (c) => c.notNull())
            .addColumn('created_at', 'timestamptz', (c) => c.notNull())
            .execute();
          await db.schema.createIndex('snapshot_task_by_run').on('snapshot_task').columns(['run_id', 'instance_id']).execute();
        },
      },
    },
    async apply(trx, events) {
      for (const event of events) await applyOne(trx, event);
    },
  };
}

async function applyOne(trx: Transaction<SchedulerTables>, event: StoredEvent) {
  const data = event.data as tasksV1.TaskEvent;
  switch (data.$typeName) {
    case 'platform.tasks.v1.TaskCreated': {
      // protobuf-es hands a google.protobuf.Struct field over as a plain JSON object.
      const params: Record<string, unknown> = data.params ?? {};
      const createdAt = data.createdAt ? timestampDate(data.createdAt) : event.occurredAt;
      const instanceId = data.target?.instanceId ?? '';
      if (data.type === 'instance.deploy') {
        await trx
          .insertInto('deploy_task')
          .values({
            task_id: data.taskId,
            instance_id: instanceId,
            user_id: data.target?.userId ?? '',
            hypervisor_id: data.target?.hypervisorId ?? '',
            backup_daily: params.backup === undefined ? null : params.backup === 'daily',
            created_at: createdAt,
          })
          .onConflict((oc) => oc.column('task_id').doNothing())
          .execute();
      } else if (data.type === 'instance.snapshot' && typeof params[SCHEDULER_RUN_PARAM] === 'string') {
        await trx
          .insertInto('snapshot_task')
          .values({ task_id: data.taskId, instance_id: instanceId, run_id: params[SCHEDULER_RUN_PARAM], created_at: createdAt })
          .onConflict((oc) => oc.column('task_id').doNothing())
          .execute();
      }
      return;
    }
    case 'platform.tasks.v1.TaskCompleted': {
      const deploy = await trx.selectFrom('deploy_task').selectAll().where('task_id', '=', data.taskId).executeTakeFirst();
      if (!deploy) return;
      const deployedAt = data.completedAt ? timestampDate(data.completedAt) : event.occurredAt;
      const existing = await trx.selectFrom('instance').selectAll().where('instance_id', '=', deploy.instance_id).executeTakeFirst();
      // The latest deploy that said anything about the backup decides it; one that said nothing keeps the earlier choice.
      const says = deploy.backup_daily !== null && (!existing || existing.deploy_backup_at <= deploy.created_at);
      const row = {
        instance_id: deploy.instance_id,
        user_id: deploy.user_id,
        hypervisor_id: deploy.hypervisor_id,
        deployed_at: deployedAt,
        deploy_backup_daily: says ? deploy.backup_daily! : (existing?.deploy_backup_daily ?? false),
        deploy_backup_at: says ? deploy.created_at : (existing?.deploy_backup_at ?? deploy.created_at),
      };
      await trx
        .insertInto('instance')
        .values(row)
        .onConflict((oc) => oc.column('instance_id').doUpdateSet(row))
        .execute();
      await trx.deleteFrom('deploy_task').where('task_id', '=', data.taskId).execute();
      return;
    }
    case 'platform.tasks.v1.TaskCancelled':
      await trx.deleteFrom('deploy_task').where('task_id', '=', data.taskId).execute();
      return;
    default:
      return;
  }
}
