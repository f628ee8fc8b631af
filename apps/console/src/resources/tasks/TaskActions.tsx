import CancelIcon from '@mui/icons-material/Cancel';
import ReplayIcon from '@mui/icons-material/Replay';
import { Button, useNotify, useRecordContext, useRefresh } from 'react-admin';
import { apiFetch } from '../../apiFetch';

/** POSTs a lifecycle action; a 409 shows the rule that refused it. */
function useTaskAction(action: 'cancel' | 'retry') {
  const record = useRecordContext<{ id: string }>();
  const notify = useNotify();
  const refresh = useRefresh();
  return async () => {
    if (!record) return;
    const res = await apiFetch(`/api/tasks/${record.id}/${action}`, { method: 'POST' });
    const body = (await res.json().catch(() => ({}))) as { message?: string };
    if (res.ok) notify(action === 'cancel' ? 'Task cancelled' : 'Retry started as a new attempt', { type: 'info' });
    else notify(body.message ?? `${action} failed (${res.status})`, { type: 'warning' });
    refresh();
  };
}

/** Shown only while the task is pending (the gateway says so in `cancellable`). */
export function CancelTaskButton() {
  const record = useRecordContext<{ cancellable?: boolean }>();
  const run = useTaskAction('cancel');
  return record?.cancellable ? <Button label="Cancel" onClick={run} startIcon={<CancelIcon />} /> : null;
}

/** Shown only on a failed task of an idempotent type (`retryable`). */
export function RetryTaskButton() {
  const record = useRecordContext<{ retryable?: boolean }>();
  const run = useTaskAction('retry');
  return record?.retryable ? <Button label="Retry" onClick={run} startIcon={<ReplayIcon />} /> : null;
}
