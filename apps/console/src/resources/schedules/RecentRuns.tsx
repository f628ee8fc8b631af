import { Alert, Box, CircularProgress, Paper, Stack, Typography } from '@mui/material';
import { useGetOne, useRecordContext } from 'react-admin';
import { ResultChip, type ScheduleRecord, when } from './ScheduleFields';

/**
 * A job's last twenty runs, newest first, each with what it printed in a
 * monospace block (text, never markup). Refreshes live: a run's start and
 * end are notices on the job.
 */
export function RecentRuns() {
  const row = useRecordContext<{ id: string }>();
  const { data, isPending, error } = useGetOne<ScheduleRecord>('schedules', { id: row?.id ?? '' }, { enabled: Boolean(row) });
  if (isPending) return <CircularProgress size={20} />;
  if (error || !data) return <Alert severity="warning">Could not load this job.</Alert>;
  const runs = data.runs ?? [];
  return (
    <Stack spacing={1} sx={{ py: 1 }} data-testid="recent-runs">
      <Typography variant="body2" color="text.secondary">
        {data.description} Runs <code>{data.command}</code>.{data.pauseNote ? ` Paused: ${data.pauseNote}` : ''}
      </Typography>
      {runs.length === 0 && <Alert severity={data.health === 'never_ran' ? 'error' : 'info'}>No run yet.</Alert>}
      {runs.map((run) => (
        <Paper key={run.id} variant="outlined" sx={{ p: 1.5 }} data-testid="run">
          <Stack direction="row" spacing={1.5} alignItems="center" sx={{ mb: 0.5 }}>
            <ResultChip result={run.result} />
            <Typography variant="body2">{when(run.startedAt)}</Typography>
            <Typography variant="caption" color="text.secondary">
              {run.trigger === 'manual' ? 'run now' : `scheduled for ${when(run.scheduledAt)}`}
              {run.durationMs !== null ? ` · ${(run.durationMs / 1000).toFixed(1)} s` : ''}
            </Typography>
          </Stack>
          {run.detail && (
            <Typography variant="body2" color="error">
              {run.detail}
            </Typography>
          )}
          <Box
            component="pre"
            data-testid="run-output"
            sx={{ m: 0, p: 1, bgcolor: 'grey.100', fontSize: 12, maxHeight: 240, overflow: 'auto', whiteSpace: 'pre-wrap' }}
          >
            {run.output || (run.result === 'running' ? '(running…)' : '(no output)')}
          </Box>
          {run.outputTruncated && (
            <Typography variant="caption" color="text.secondary">
              Output was cut to its last part; the run printed more.
            </Typography>
          )}
        </Paper>
      ))}
    </Stack>
  );
}
