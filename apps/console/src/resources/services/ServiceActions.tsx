import { Button, useNotify, useRecordContext, useRefresh } from 'react-admin';
import type { ServiceRecord } from './ServiceFields';
import { apiFetch } from '../../apiFetch';

/** Which actions make sense in each state; the service enforces the same rules (409 otherwise). */
const ALLOWED: Record<ServiceRecord['state'], string[]> = {
  pending: ['create'],
  active: ['suspend', 'terminate'],
  suspended: ['unsuspend', 'terminate'],
  terminated: [],
};

/**
 * The four panel actions. Each click dispatches a fresh job (its attempts are
 * new log rows); while one runs the buttons are disabled, and a refusal shows
 * the rule the service gave.
 */
export function ServiceActionButtons() {
  const record = useRecordContext<ServiceRecord>();
  const notify = useNotify();
  const refresh = useRefresh();
  if (!record) return null;
  const dispatch = async (action: string) => {
    const res = await apiFetch(`/api/services/${record.id}/actions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ action }),
    });
    const body = (await res.json().catch(() => ({}))) as { message?: string };
    if (res.ok) notify(`${action} dispatched`, { type: 'info' });
    else notify(body.message ?? `${action} failed (${res.status})`, { type: 'warning' });
    refresh();
  };
  return (
    <>
      {['create', 'suspend', 'unsuspend', 'terminate'].map((action) => (
        <Button
          key={action}
          label={action}
          onClick={() => void dispatch(action)}
          disabled={Boolean(record.runningAction) || !ALLOWED[record.state]?.includes(action)}
        />
      ))}
    </>
  );
}
