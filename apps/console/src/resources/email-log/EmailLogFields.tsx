import { Chip, Stack, Tooltip, Typography } from '@mui/material';
import { useRecordContext } from 'react-admin';

export type EmailStatus = 'queued' | 'sent' | 'failed';

export interface EmailLogRecord {
  id: string;
  to: string;
  template: string;
  templateVersion: number;
  subject: string;
  status: EmailStatus;
  attempts: number;
  providerCode: string | null;
  responseCode: number | null;
  permanent: boolean | null;
  providerMessageId: string | null;
  correlationId: string;
  test: boolean;
  createdAt: string;
  finishedAt: string | null;
  html?: string;
  from?: string | null;
  providerMessage?: string | null;
  failedAttempts?: { attempt: number; providerCode: string; providerMessage: string; responseCode: number; at: string }[];
  causedBy?: { eventType: string; eventId: string } | null;
}

const COLORS = { queued: 'info', sent: 'success', failed: 'error' } as const;

/** `label` is read by the Datagrid for the column header. */
export interface ColumnProps {
  label?: string;
  sortable?: boolean;
}

/** queued / sent / failed, with "retrying" when attempts have failed and it is still on its way, and a mark on test emails. */
export function EmailStatusChip(_: ColumnProps) {
  const record = useRecordContext<EmailLogRecord>();
  if (!record) return null;
  const retrying = record.status === 'queued' && record.attempts > 0;
  const failedHow = record.status === 'failed' ? (record.permanent ? 'permanent: not retried' : 'attempts ran out') : '';
  return (
    <Stack direction="row" spacing={0.5}>
      <Tooltip title={failedHow}>
        <Chip
          size="small"
          label={retrying ? `retrying (${record.attempts} failed)` : record.status}
          color={retrying ? 'warning' : COLORS[record.status]}
          data-testid="email-status"
        />
      </Tooltip>
      {record.test && <Chip size="small" label="test" variant="outlined" />}
    </Stack>
  );
}

export function TemplateVersionField(_: ColumnProps) {
  const record = useRecordContext<EmailLogRecord>();
  if (!record) return null;
  return (
    <Typography variant="body2">
      {record.template}{' '}
      <Typography component="span" variant="caption" color="text.secondary">
        v{record.templateVersion}
      </Typography>
    </Typography>
  );
}

export function ProviderField(_: ColumnProps) {
  const record = useRecordContext<EmailLogRecord>();
  if (!record) return null;
  if (record.status === 'sent') return <Typography variant="body2">{record.responseCode ?? ''}</Typography>;
  if (!record.providerCode)
    return (
      <Typography variant="body2" color="text.secondary">
        —
      </Typography>
    );
  return (
    <Typography variant="body2" color={record.status === 'failed' ? 'error' : 'warning.main'}>
      {record.providerCode} {record.responseCode ? `(${record.responseCode})` : ''}
    </Typography>
  );
}
