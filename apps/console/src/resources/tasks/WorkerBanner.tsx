import { Alert } from '@mui/material';
import { useQuery } from '@tanstack/react-query';
import { usePermissions } from 'react-admin';
import { apiFetch } from '../../apiFetch';

interface QueueStatus {
  taskQueue: string;
  kind: string;
  status: 'polling' | 'busy' | 'gone' | 'none';
  lastPollAt: string | null;
}

const getJson = async <T,>(url: string): Promise<{ body: T; headers: Headers }> => {
  const res = await apiFetch(url);
  if (!res.ok) throw new Error(`${url}: ${res.status}`);
  return { body: (await res.json()) as T, headers: res.headers };
};

/** A loud warning when tasks are waiting and no worker polls their queue (staff only). */
export function WorkerBanner() {
  const { permissions } = usePermissions();
  const staff = permissions === 'admin';
  const workers = useQuery({
    queryKey: ['workers'],
    queryFn: () => getJson<QueueStatus[]>('/api/workers'),
    enabled: staff,
    refetchInterval: 10_000,
  });
  const pending = useQuery({
    queryKey: ['tasks', 'pending-count'],
    queryFn: async () =>
      Number(
        (await getJson<unknown[]>(`/api/tasks?filter=${encodeURIComponent('{"status":"pending"}')}&range=[0,0]`)).headers
          .get('content-range')
          ?.split('/')[1] ?? 0,
      ),
    enabled: staff,
    refetchInterval: 10_000,
  });
  const queues = workers.data?.body ?? [];
  // A busy worker is no cause for alarm; a gone one (or none at all) is.
  const idle = queues.length > 0 && queues.every((q) => q.status === 'gone' || q.status === 'none');
  if (!staff || !idle || !pending.data) return null;
  const last = queues
    .map((q) => q.lastPollAt)
    .filter(Boolean)
    .sort()
    .at(-1);
  return (
    <Alert severity="error" sx={{ mt: 1 }} data-testid="no-worker-banner">
      {pending.data} task{pending.data === 1 ? ' is' : 's are'} waiting, and no worker is polling the “{queues[0]!.taskQueue}” queue
      {last ? ` (last poll ${new Date(last).toLocaleString(undefined, { timeZoneName: 'short' })})` : ' (no worker has polled it)'}. Start
      the tasks worker.
    </Alert>
  );
}
