import type { Kysely } from 'kysely';
import { type BackupChoice, dailyBackupOn } from '../domain/instance.events';

/**
 * The scheduler's private tables, in `<prefix>_scheduler_service`. Each is
 * written by exactly one projection (a rebuild of one never wipes another's):
 * the dispatcher (SCHEDULER stream) writes job_schedule, run_request and
 * instance_backup; the instances lookup (TASKS stream) writes deploy_task,
 * instance and snapshot_task.
 */
export interface JobScheduleTable {
  job_id: string;
  cron: string;
  timezone: string;
  paused: boolean;
  note: string;
  allow_overlap: boolean;
  max_run_seconds: number;
}

/** One row per Run now request: the guard that starts its run once, kept through a rebuild. */
export interface RunRequestTable {
  request_id: string;
  job_id: string;
  requested_at: Date;
  /** started, expired (too old when dispatched) or unknown-job. */
  outcome: string;
  workflow_id: string | null;
  dispatched_at: Date;
}

/** An admin's last switch of an instance's daily backup. */
export interface InstanceBackupTable {
  instance_id: string;
  daily: boolean;
  changed_at: Date;
}

/** Deploy tasks seen on TASKS, until they complete: what an instance is and the backup its deploy asked for. */
export interface DeployTaskTable {
  task_id: string;
  instance_id: string;
  user_id: string;
  hypervisor_id: string;
  /** params.backup: "daily" → true, any other value → false, absent → null (the deploy says nothing). */
  backup_daily: boolean | null;
  created_at: Date;
}

/** An instance exists once a deploy of it completed. */
export interface InstanceTable {
  instance_id: string;
  user_id: string;
  hypervisor_id: string;
  deployed_at: Date;
  /** The backup the latest deploy that said anything asked for, and when that deploy was created. */
  deploy_backup_daily: boolean;
  deploy_backup_at: Date;
}

/** Snapshot tasks a scheduler run created (params.schedulerRunId): how a retried run knows what it already did. */
export interface SnapshotTaskTable {
  task_id: string;
  instance_id: string;
  run_id: string;
  created_at: Date;
}

export interface SchedulerTables {
  job_schedule: JobScheduleTable;
  run_request: RunRequestTable;
  instance_backup: InstanceBackupTable;
  deploy_task: DeployTaskTable;
  instance: InstanceTable;
  snapshot_task: SnapshotTaskTable;
}

export interface SnapshotTarget {
  instanceId: string;
  userId: string;
  hypervisorId: string;
}

/** Deployed instances whose daily backup is on (the later of the deploy's and an admin's choice), by id. */
export async function instancesWithDailyBackup(db: Kysely<SchedulerTables>): Promise<SnapshotTarget[]> {
  const rows = await db
    .selectFrom('instance as i')
    .leftJoin('instance_backup as b', 'b.instance_id', 'i.instance_id')
    .select(['i.instance_id', 'i.user_id', 'i.hypervisor_id', 'i.deploy_backup_daily', 'i.deploy_backup_at', 'b.daily', 'b.changed_at'])
    .orderBy('i.instance_id')
    .execute();
  return rows
    .filter((r) =>
      dailyBackupOn(
        { daily: r.deploy_backup_daily, at: r.deploy_backup_at },
        r.changed_at && r.daily !== null ? { daily: r.daily, at: r.changed_at } : undefined,
      ),
    )
    .map((r) => ({ instanceId: r.instance_id, userId: r.user_id, hypervisorId: r.hypervisor_id }));
}

/** The backup an instance's deploy asked for, or undefined when no deploy of it completed. */
export async function deployBackupOf(db: Kysely<SchedulerTables>, instanceId: string): Promise<BackupChoice | undefined> {
  const row = await db
    .selectFrom('instance')
    .select(['deploy_backup_daily', 'deploy_backup_at'])
    .where('instance_id', '=', instanceId)
    .executeTakeFirst();
  return row && { daily: row.deploy_backup_daily, at: row.deploy_backup_at };
}

/** The snapshot tasks a run already created, by instance. */
export async function snapshotTasksOfRun(db: Kysely<SchedulerTables>, runId: string): Promise<Map<string, string>> {
  const rows = await db.selectFrom('snapshot_task').select(['instance_id', 'task_id']).where('run_id', '=', runId).execute();
  return new Map(rows.map((r) => [r.instance_id, r.task_id]));
}
