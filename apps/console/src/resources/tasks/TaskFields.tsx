import { Chip, LinearProgress, Stack, Typography } from '@mui/material';
import { useRecordContext } from 'react-admin';

const STATUS_COLORS = { pending: 'default', running: 'info', completed: 'success', failed: 'error', cancelled: 'warning' } as const;

export function StatusChip() {
  const record = useRecordContext<{ status: keyof typeof STATUS_COLORS }>();
  return record ? (
    <Chip size="small" label={record.status} color={STATUS_COLORS[record.status] ?? 'default'} data-testid="task-status" />
  ) : null;
}

export function ProgressBar() {
  const record = useRecordContext<{ progress: number }>();
  if (!record) return null;
  return (
    <Stack direction="row" alignItems="center" spacing={1} sx={{ minWidth: 140 }}>
      <LinearProgress variant="determinate" value={record.progress} sx={{ flex: 1 }} aria-label="progress" />
      <Typography variant="caption">{record.progress} %</Typography>
    </Stack>
  );
}

export function TargetField() {
  const record = useRecordContext<{ target: { userId: string; hypervisorId: string; instanceId: string } }>();
  if (!record) return null;
  return (
    <Typography variant="body2">
      {record.target.instanceId} on {record.target.hypervisorId} · user {record.target.userId}
    </Typography>
  );
}
