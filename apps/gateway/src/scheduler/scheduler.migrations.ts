import type { Migrations } from '@opsledger/db';
import { type Kysely, sql } from 'kysely';

export const schedulerMigrations: Migrations = {
  '20261123T1100_create_job_and_job_run': {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('job')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('title', 'text', (c) => c.notNull())
        .addColumn('command', 'text', (c) => c.notNull())
        .addColumn('description', 'text', (c) => c.notNull())
        .addColumn('cron', 'text', (c) => c.notNull())
        .addColumn('timezone', 'text', (c) => c.notNull())
        .addColumn('default_cron', 'text', (c) => c.notNull())
        .addColumn('default_timezone', 'text', (c) => c.notNull())
        .addColumn('max_run_seconds', 'integer', (c) => c.notNull())
        .addColumn('allow_overlap', 'boolean', (c) => c.notNull())
        .addColumn('paused', 'boolean', (c) => c.notNull().defaultTo(false))
        .addColumn('pause_note', 'text')
        .addColumn('registered_at', 'timestamptz', (c) => c.notNull())
        .addColumn('next_due_at', 'timestamptz', (c) => c.notNull())
        .addColumn('grace_seconds', 'integer', (c) => c.notNull())
        .addColumn('last_run_id', 'text')
        .addColumn('last_run_started_at', 'timestamptz')
        .addColumn('last_run_finished_at', 'timestamptz')
        .addColumn('last_result', 'text')
        .addColumn('last_duration_ms', 'integer')
        .addColumn('running_since', 'timestamptz')
        .addColumn('running_run_id', 'text')
        .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
        .addColumn('version', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('job_run')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('job_id', 'text', (c) => c.notNull())
        .addColumn('trigger', 'text', (c) => c.notNull())
        .addColumn('scheduled_at', 'timestamptz', (c) => c.notNull())
        .addColumn('started_at', 'timestamptz', (c) => c.notNull())
        .addColumn('finished_at', 'timestamptz')
        .addColumn('result', 'text', (c) => c.notNull())
        .addColumn('duration_ms', 'integer')
        .addColumn('output', 'text', (c) => c.notNull().defaultTo(''))
        .addColumn('output_truncated', 'boolean', (c) => c.notNull().defaultTo(false))
        .addColumn('detail', 'text', (c) => c.notNull().defaultTo(''))
        .addColumn('workflow_id', 'text', (c) => c.notNull())
        .execute();
      // A job's last twenty runs, newest first: the only way runs are read besides by id.
      await db.schema.createIndex('job_run_job_started').on('job_run').columns(['job_id', 'started_at desc', 'id desc']).execute();
      // Health from the facts at read time; the order of the cases is the order of what matters most.
      await db.schema
        .createView('schedule')
        .as(
          db
            .selectFrom('job')
            .selectAll()
            .select(
              sql<string>`case
              when paused then 'paused'
              when running_since is not null and running_since + make_interval(secs => max_run_seconds) < now() then 'running_too_long'
              when running_since is null and last_run_started_at is null and next_due_at + make_interval(secs => grace_seconds) < now() then 'never_ran'
              when running_since is null and next_due_at + make_interval(secs => grace_seconds) < now() then 'overdue'
              when last_result in ('failed', 'timed_out') then 'last_run_failed'
              else 'ok'
            end`.as('health'),
            ),
        )
        .execute();
    },
    async down(db: Kysely<any>) {
      await db.schema.dropView('schedule').execute();
      await db.schema.dropTable('job_run').execute();
      await db.schema.dropTable('job').execute();
    },
  },
};
