import { Chip } from '@mui/material';
import { useRecordContext } from 'react-admin';

const STATE_COLORS = { pending: 'default', active: 'success', suspended: 'warning', terminated: 'default' } as const;

export interface ServiceRecord {
  id: string;
  domain: string;
  state: keyof typeof STATE_COLORS;
  runningAction: string | null;
  lastAction: string | null;
  lastOutcome: 'succeeded' | 'failed' | null;
  lastDiagnosis: string | null;
}

// `label` is read by the Datagrid for the column header.
export function ServiceStateChip(_props: { label?: string }) {
  const record = useRecordContext<ServiceRecord>();
  if (!record) return null;
  return (
    <>
      <Chip size="small" label={record.state} color={STATE_COLORS[record.state] ?? 'default'} data-testid="service-state" />
      {record.runningAction && <Chip size="small" sx={{ ml: 0.5 }} color="info" label={`${record.runningAction} running`} />}
    </>
  );
}

export function LastOutcomeField(_props: { label?: string }) {
  const record = useRecordContext<ServiceRecord>();
  if (!record?.lastAction) return null;
  return (
    <Chip
      size="small"
      variant="outlined"
      color={record.lastOutcome === 'succeeded' ? 'success' : 'error'}
      label={`${record.lastAction} ${record.lastOutcome}${record.lastDiagnosis ? ` (${record.lastDiagnosis})` : ''}`}
    />
  );
}
