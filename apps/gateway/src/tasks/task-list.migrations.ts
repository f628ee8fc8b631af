import type { Migrations } from '@opsledger/db';
import type { Kysely } from 'kysely';

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
};
