import { Chip } from '@mui/material';
import { useRecordContext } from 'react-admin';

export const ACTIONS = ['create', 'suspend', 'unsuspend', 'terminate'] as const;

// `label` is read by the Datagrid for the column header.
export function EntryStatusChip(_props: { label?: string }) {
  const record = useRecordContext<{ status: 'success' | 'failed' }>();
  return record ? (
    <Chip size="small" label={record.status} color={record.status === 'success' ? 'success' : 'error'} data-testid="entry-status" />
  ) : null;
}

/** The diagnosis code in the list; the cause and fix are in the expanded row. */
export function DiagnosisCodeField(_props: { label?: string }) {
  const record = useRecordContext<{ diagnosis: { code: string } | null }>();
  return record?.diagnosis ? <code>{record.diagnosis.code}</code> : null;
}
