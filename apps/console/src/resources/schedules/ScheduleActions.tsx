import type { MouseEvent } from 'react';
import { Button, useNotify, useRecordContext, useRefresh } from 'react-admin';
import type { ScheduleRecord } from './ScheduleFields';
import { apiFetch } from '../../apiFetch';

async function post(path: string, body: unknown = {}) {
  const res = await apiFetch(path, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { ok: res.ok, status: res.status, body: (await res.json().catch(() => ({}))) as { message?: string } };
}

/**
 * Run now, and pause or resume with a note. Each is a command with the
 * signed-in operator as its actor; a refusal shows the rule the service gave.
 */
export function ScheduleActionButtons(_: { label?: string }) {
  const record = useRecordContext<ScheduleRecord>();
  const notify = useNotify();
  const refresh = useRefresh();
  if (!record) return null;
  const act = async (event: MouseEvent, verb: 'run' | 'pause' | 'resume', label: string) => {
    // The buttons sit in a row that expands on click: a click on them is not a click on the row.
    event.stopPropagation();
    const note = verb === 'run' ? undefined : (window.prompt(`${label} ${record.id}: a note for the record (optional)`) ?? undefined);
    const res = await post(`/api/schedules/${encodeURIComponent(record.id)}/${verb}`, note === undefined ? {} : { note });
    if (res.ok) notify(verb === 'run' ? `${record.id}: run requested` : `${record.id}: ${label.toLowerCase()}d`, { type: 'info' });
    else notify(res.body.message ?? `${label} failed (${res.status})`, { type: 'warning' });
    refresh();
  };
  return (
    <>
      <Button label="Run now" onClick={(e) => void act(e, 'run', 'Run now')} data-testid="run-now" />
      {record.paused ? (
        <Button label="Resume" onClick={(e) => void act(e, 'resume', 'Resume')} />
      ) : (
        <Button label="Pause" onClick={(e) => void act(e, 'pause', 'Pause')} />
      )}
    </>
  );
}
