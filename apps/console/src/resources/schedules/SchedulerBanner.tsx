import { Alert, AlertTitle } from '@mui/material';
import { useQuery } from '@tanstack/react-query';
import { apiFetch } from '../../apiFetch';

interface SchedulerStatus {
  runnerSilent: boolean;
  overdue: number;
  neverRan: number;
  message: string | null;
}

/** One loud banner when every active job is late: the runner, not a job, has stopped. */
export function SchedulerBanner() {
  const status = useQuery({
    // Under the resource's key, so a live notice on any schedule refetches it too.
    queryKey: ['schedules', 'status'],
    queryFn: async () => {
      const res = await apiFetch('/api/scheduler/status');
      if (!res.ok) throw new Error(`/api/scheduler/status: ${res.status}`);
      return (await res.json()) as SchedulerStatus;
    },
    refetchInterval: 15_000,
  });
  if (!status.data?.runnerSilent) return null;
  return (
    <Alert severity="error" sx={{ mt: 1 }} data-testid="scheduler-silent-banner">
      <AlertTitle>The scheduler is not running</AlertTitle>
      {status.data.message}
    </Alert>
  );
}
