import { Chip, Stack, Tooltip, Typography } from '@mui/material';
import { useRecordContext } from 'react-admin';

export type Health = 'paused' | 'running_too_long' | 'never_ran' | 'overdue' | 'last_run_failed' | 'ok';

export interface ScheduleRecord {
  id: string;
  title: string;
  command: string;
  description: string;
  cron: string;
  timezone: string;
  schedule: string;
  paused: boolean;
  pauseNote: string | null;
  health: Health;
  nextRunAt: string | null;
  dueAt: string;
  lastRun: { id: string; startedAt: string; finishedAt: string | null; result: string; durationMs: number | null } | null;
  runs?: RunRecord[];
}

export interface RunRecord {
  id: string;
  trigger: 'schedule' | 'manual';
  scheduledAt: string;
  startedAt: string;
  finishedAt: string | null;
  result: 'running' | 'succeeded' | 'failed' | 'timed_out';
  durationMs: number | null;
  output: string;
  outputTruncated: boolean;
  detail: string;
}

export const HEALTH: Record<Health, { label: string; color: 'default' | 'success' | 'warning' | 'error' | 'info' }> = {
  ok: { label: 'ok', color: 'success' },
  paused: { label: 'paused', color: 'default' },
  last_run_failed: { label: 'last run failed', color: 'error' },
  running_too_long: { label: 'running too long', color: 'warning' },
  overdue: { label: 'overdue', color: 'error' },
  never_ran: { label: 'never ran', color: 'error' },
};

const RESULT_COLORS = { running: 'info', succeeded: 'success', failed: 'error', timed_out: 'warning' } as const;

export const when = (iso: string | null | undefined) =>
  iso ? new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'long' }) : '—';

/** `label` is read by the Datagrid for the column header. */
export interface ColumnProps {
  label?: string;
  sortable?: boolean;
}

export function HealthChip(_: ColumnProps) {
  const record = useRecordContext<ScheduleRecord>();
  if (!record) return null;
  const { label, color } = HEALTH[record.health] ?? HEALTH.ok;
  const late = record.health === 'overdue' || record.health === 'never_ran';
  return (
    <Tooltip title={late ? `due since ${when(record.dueAt)}` : ''}>
      <Chip size="small" label={label} color={color} variant={late ? 'filled' : 'outlined'} data-testid="schedule-health" />
    </Tooltip>
  );
}

export function ResultChip({ result }: { result: RunRecord['result'] }) {
  return <Chip size="small" label={result.replace('_', ' ')} color={RESULT_COLORS[result] ?? 'default'} data-testid="run-result" />;
}

/** The cron as it reads in English, with the expression itself beneath. */
export function ScheduleField(_: ColumnProps) {
  const record = useRecordContext<ScheduleRecord>();
  if (!record) return null;
  return (
    <Stack>
      <Typography variant="body2">{record.schedule}</Typography>
      <Typography variant="caption" color="text.secondary" sx={{ fontFamily: 'monospace' }}>
        {record.cron}
      </Typography>
    </Stack>
  );
}

export function LastRunField(_: ColumnProps) {
  const record = useRecordContext<ScheduleRecord>();
  if (!record) return null;
  if (!record.lastRun)
    return (
      <Typography variant="body2" color="error">
        never
      </Typography>
    );
  return (
    <Stack direction="row" spacing={1} alignItems="center">
      <Typography variant="body2">{when(record.lastRun.startedAt)}</Typography>
      <ResultChip result={record.lastRun.result as RunRecord['result']} />
    </Stack>
  );
}

export function NextRunField(_: ColumnProps) {
  const record = useRecordContext<ScheduleRecord>();
  if (!record) return null;
  return <Typography variant="body2">{record.paused ? 'paused' : when(record.nextRunAt)}</Typography>;
}
