import { Alert, Box, Card, CardContent, Stack, Tooltip, Typography } from '@mui/material';
import { useQuery } from '@tanstack/react-query';
import { call } from '../email-templates/templateApi';

interface Summary {
  attempts: { succeeded: number; failed: number; rateLimited: number };
  failuresByIp: { ip: string; countryCode: string | null; asn: number | null; failures: number }[];
  failuresByAccount: { email: string; failures: number }[];
  perFiveMinutes: { at: string; succeeded: number; failed: number }[];
  blocks: { id: string; scope: string; key: string; active: boolean; blockedUntil: string }[];
  sharedPrivateIp: { message: string } | null;
}

function Bars({ rows, label }: { rows: { key: string; n: number }[]; label: string }) {
  const max = Math.max(1, ...rows.map((r) => r.n));
  return (
    <Box sx={{ minWidth: 260, flex: 1 }}>
      <Typography variant="subtitle2">{label}</Typography>
      {rows.length === 0 && (
        <Typography variant="body2" color="text.secondary">
          none
        </Typography>
      )}
      {rows.slice(0, 5).map((r) => (
        <Stack key={r.key} direction="row" spacing={1} alignItems="center" sx={{ my: 0.25 }}>
          <Typography variant="caption" sx={{ width: 150, overflow: 'hidden', textOverflow: 'ellipsis', whiteSpace: 'nowrap' }}>
            {r.key}
          </Typography>
          <Box sx={{ height: 10, width: `${(r.n / max) * 120}px`, bgcolor: 'error.light', borderRadius: 1 }} />
          <Typography variant="caption">{r.n}</Typography>
        </Stack>
      ))}
    </Box>
  );
}

/**
 * "Is this account being brute-forced?" at a glance: the last hour's
 * attempts per five minutes (failures in red), the addresses and accounts
 * failing most, the blocks in force, and the shared-private-IP warning.
 */
export function LastHour() {
  const summary = useQuery({
    queryKey: ['ip-log', 'summary'],
    queryFn: async () => (await call<Summary>('GET', '/api/ip-log-summary')).body as Summary,
    refetchInterval: 15_000,
  });
  const s = summary.data;
  if (!s?.attempts) return null;
  const max = Math.max(1, ...s.perFiveMinutes.map((b) => b.succeeded + b.failed));
  const active = s.blocks.filter((b) => b.active);
  return (
    <Card sx={{ mt: 1, mb: 1 }} data-testid="ip-log-last-hour">
      <CardContent>
        <Typography variant="subtitle1">
          Last hour: {s.attempts.succeeded} succeeded, {s.attempts.failed} failed, {s.attempts.rateLimited} refused
        </Typography>
        {s.sharedPrivateIp && (
          <Alert severity="warning" sx={{ my: 1 }} data-testid="ip-log-shared-ip">
            {s.sharedPrivateIp.message} (Settings → Security)
          </Alert>
        )}
        {active.length > 0 && (
          <Alert severity="error" sx={{ my: 1 }} data-testid="ip-log-blocks">
            Blocked now: {active.map((b) => `${b.scope} ${b.key} until ${new Date(b.blockedUntil).toLocaleTimeString()}`).join('; ')}
          </Alert>
        )}
        <Stack direction="row" spacing={4} sx={{ mt: 1, flexWrap: 'wrap' }}>
          <Box>
            <Typography variant="subtitle2">Per five minutes</Typography>
            <Stack direction="row" spacing={0.5} alignItems="flex-end" sx={{ height: 60 }}>
              {s.perFiveMinutes.map((b) => (
                <Tooltip key={b.at} title={`${new Date(b.at).toLocaleTimeString()}: ${b.succeeded} ok, ${b.failed} failed`}>
                  <Stack sx={{ width: 12 }}>
                    <Box sx={{ height: `${(b.failed / max) * 56}px`, bgcolor: 'error.main' }} />
                    <Box sx={{ height: `${(b.succeeded / max) * 56}px`, bgcolor: 'success.light' }} />
                  </Stack>
                </Tooltip>
              ))}
            </Stack>
          </Box>
          <Bars label="Failures by address" rows={s.failuresByIp.map((r) => ({ key: r.ip, n: r.failures }))} />
          <Bars label="Failures by account" rows={s.failuresByAccount.map((r) => ({ key: r.email, n: r.failures }))} />
        </Stack>
      </CardContent>
    </Card>
  );
}
