import { z } from 'zod';
import type { ResourceSpec } from '../api/list/resource-spec';
import { describeCron, nextCronTime } from './schedule-timing';
import type { ScheduleRow } from './scheduler-tables';

export const HEALTHS = ['paused', 'running_too_long', 'never_ran', 'overdue', 'last_run_failed', 'ok'] as const;

/** The Scheduler list: every job with its plain-English schedule, last and next run, and health. */
export const schedulesResource: ResourceSpec<ScheduleRow> = {
  resource: 'schedules',
  table: 'schedule',
  idColumn: 'id',
  filters: {
    health: { column: 'health', op: 'eq', schema: z.enum(HEALTHS, `must be one of ${HEALTHS.join(', ')}`) },
    paused: { column: 'paused', op: 'eq', schema: z.boolean('must be true or false') },
  },
  search: ['id', 'title', 'command'],
  sortable: { id: 'id', title: 'title', nextDueAt: 'next_due_at', lastRunAt: 'last_run_started_at', health: 'health' },
  defaultSort: ['id', 'ASC'],
  keysetSorts: ['id'],
  toJson: (row) => ({
    id: row.id,
    title: row.title,
    command: row.command,
    description: row.description,
    cron: row.cron,
    timezone: row.timezone,
    schedule: describeCron(row.cron, row.timezone),
    defaultCron: row.default_cron,
    maxRunSeconds: row.max_run_seconds,
    allowOverlap: row.allow_overlap,
    paused: row.paused,
    pauseNote: row.pause_note,
    health: row.health,
    registeredAt: row.registered_at,
    // A paused job has no next run; otherwise the next time its cron fires from now.
    nextRunAt: row.paused ? null : nextCronTime(row.cron, row.timezone, new Date()),
    dueAt: row.next_due_at,
    lastRun: row.last_run_id
      ? {
          id: row.last_run_id,
          startedAt: row.last_run_started_at,
          finishedAt: row.last_run_finished_at,
          result: row.running_run_id === row.last_run_id ? 'running' : row.last_result,
          durationMs: row.last_duration_ms,
        }
      : null,
    runningSince: row.running_since,
    updatedAt: row.updated_at,
  }),
  csv: [
    ['id', 'id'],
    ['title', 'title'],
    ['command', 'command'],
    ['cron', 'cron'],
    ['timezone', 'timezone'],
    ['schedule', 'schedule'],
    ['health', 'health'],
    ['paused', 'paused'],
    ['next_run_at', 'nextRunAt'],
    ['registered_at', 'registeredAt'],
  ],
};
