import type { Migrations } from '@opsledger/db';
import { type Kysely, sql } from 'kysely';

export const taskListMigrations: Migrations = {
  '20261121T2300_create_task_list': {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('task')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('type', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('progress', 'smallint', (c) => c.notNull().defaultTo(0))
        .addColumn('attempt', 'integer', (c) => c.notNull().defaultTo(1))
        .addColumn('user_id', 'text', (c) => c.notNull())
        .addColumn('hypervisor_id', 'text', (c) => c.notNull())
        .addColumn('instance_id', 'text', (c) => c.notNull())
        .addColumn('error', 'text')
        .addColumn('created_at', 'timestamptz', (c) => c.notNull())
        .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
        .addColumn('version', 'bigint', (c) => c.notNull())
        .execute();
      // The list's default order, and the filters a customer's view always applies.
      await db.schema.createIndex('task_created_at_id').on('task').columns(['created_at desc', 'id desc']).execute();
      await db.schema.createIndex('task_user_created_at').on('task').columns(['user_id', 'created_at desc']).execute();
      await db.schema
        .createTable('task_log')
        .addColumn('id', 'bigserial', (c) => c.primaryKey())
        .addColumn('task_id', 'text', (c) => c.notNull())
        .addColumn('stream_seq', 'bigint', (c) => c.notNull())
        .addColumn('at', 'timestamptz', (c) => c.notNull())
        .addColumn('level', 'text', (c) => c.notNull())
        .addColumn('step', 'text', (c) => c.notNull().defaultTo(''))
        .addColumn('text', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('task_log_task_seq').on('task_log').columns(['task_id', 'stream_seq']).execute();
    },
    async down(db: Kysely<any>) {
      await db.schema.dropTable('task_log').execute();
      await db.schema.dropTable('task').execute();
    },
  },
  '20261123T0900_task_retryable': {
    async up(db: Kysely<any>) {
      await db.schema
        .alterTable('task')
        .addColumn('retryable', 'boolean', (c) => c.notNull().defaultTo(false))
        .execute();
    },
    async down(db: Kysely<any>) {
      await db.schema.alterTable('task').dropColumn('retryable').execute();
    },
  },
  // One index per filter and per sort the Tasks page offers, each ending in the list's order (created_at, id) so a
  // filtered page is an index range read in order, and deep pages continue by keyset. All columns ascending: the list
  // orders every column the same way, so one index read forwards or backwards serves both directions. Type with a status is the
  // combination operators use ("failed deploys"); it is partial because completed tasks, the bulk, are found fast
  // enough walking the type index. Checked by task-list.indexes.int.spec.ts (no sequential scan for any of them).
  '20261123T1200_task_list_indexes': {
    async up(db: Kysely<any>) {
      await db.schema.dropIndex('task_user_created_at').execute();
      const index = (name: string, columns: string[]) =>
        db.schema
          .createIndex(name)
          .on('task')
          .columns([...columns, 'created_at', 'id'])
          .execute();
      await index('task_user_created', ['user_id']);
      await index('task_hypervisor_created', ['hypervisor_id']);
      await index('task_instance_created', ['instance_id']);
      await index('task_type_created', ['type']);
      await index('task_status_created', ['status']);
      await index('task_progress_created', ['progress']);
      await index('task_updated_created', ['updated_at']);
      await db.schema
        .createIndex('task_type_status_created')
        .on('task')
        .columns(['type', 'status', 'created_at', 'id'])
        .where(sql.ref('status'), '<>', 'completed')
        .execute();
    },
    async down(db: Kysely<any>) {
      for (const name of ['user', 'hypervisor', 'instance', 'type', 'status', 'progress', 'updated', 'type_status'])
        await db.schema.dropIndex(`task_${name}_created`).execute();
      await db.schema.createIndex('task_user_created_at').on('task').columns(['user_id', 'created_at desc']).execute();
    },
  },
  // Which tasks a correlation id touched, for an Audit Log entry's correlated items; the key serves the lookup.
  '20261123T1300_task_correlation': {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('task_correlation')
        .addColumn('correlation_id', 'text', (c) => c.notNull())
        .addColumn('task_id', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('task_correlation_pk', ['correlation_id', 'task_id'])
        .execute();
    },
    async down(db: Kysely<any>) {
      await db.schema.dropTable('task_correlation').execute();
    },
  },
};
