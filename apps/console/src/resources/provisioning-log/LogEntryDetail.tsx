import { Alert, AlertTitle, Box, CircularProgress, Paper, Stack, Typography } from '@mui/material';
import { useGetOne, useRecordContext } from 'react-admin';

interface EntryDetail {
  id: string;
  status: 'success' | 'failed';
  request: unknown;
  response: unknown;
  diagnosis: { code: string; cause: string; fix: string } | null;
}

/** Known keys first, in reading order (jsonb stores keys in its own order); the rest after. */
function inReadingOrder(value: unknown, keys: string[]): unknown {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return value;
  const record = value as Record<string, unknown>;
  return Object.fromEntries(
    [...keys.filter((k) => k in record), ...Object.keys(record).filter((k) => !keys.includes(k))].map((k) => [k, record[k]]),
  );
}

function Payload({ title, value }: { title: string; value: unknown }) {
  return (
    <Paper variant="outlined" sx={{ flex: 1, minWidth: 0, p: 1.5 }}>
      <Typography variant="overline">{title}</Typography>
      <Box
        component="pre"
        data-testid={`payload-${title.toLowerCase()}`}
        sx={{ m: 0, fontSize: 12, overflowX: 'auto', whiteSpace: 'pre-wrap', wordBreak: 'break-word' }}
      >
        {JSON.stringify(value, null, 2)}
      </Box>
    </Paper>
  );
}

/**
 * An expanded log row: the request and response exactly as stored (secrets
 * were redacted before they were stored) and, for a failure, the likely
 * cause and its fix. Payloads are text in a <pre>, never markup.
 */
export function LogEntryDetail() {
  const row = useRecordContext<{ id: string }>();
  const { data, isPending, error } = useGetOne<EntryDetail>('provisioning-log', { id: row?.id ?? '' }, { enabled: Boolean(row) });
  if (isPending) return <CircularProgress size={20} />;
  if (error || !data) return <Alert severity="warning">Could not load this entry.</Alert>;
  return (
    <Stack spacing={1.5} sx={{ py: 1 }} data-testid="entry-detail">
      {data.diagnosis && (
        <Alert severity={data.diagnosis.code === 'unknown' ? 'warning' : 'error'} data-testid="diagnosis">
          <AlertTitle>
            Likely cause: {data.diagnosis.cause} <code>({data.diagnosis.code})</code>
          </AlertTitle>
          Fix: {data.diagnosis.fix}
        </Alert>
      )}
      <Stack direction={{ xs: 'column', md: 'row' }} spacing={1.5}>
        <Payload title="Request" value={inReadingOrder(data.request, ['method', 'url', 'headers', 'body'])} />
        <Payload title="Response" value={inReadingOrder(data.response, ['status', 'error', 'body'])} />
      </Stack>
    </Stack>
  );
}
