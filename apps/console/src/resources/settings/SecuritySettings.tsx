import {
  Alert,
  Box,
  Button as MuiButton,
  Card,
  CardContent,
  FormControlLabel,
  Stack,
  Switch,
  TextField as MuiTextField,
  Typography,
} from '@mui/material';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { useNotify } from 'react-admin';
import { call, type Violation } from '../email-templates/templateApi';

interface SecuritySection {
  saved: boolean;
  trustedProxies: string[];
  trustedProxiesSource: 'environment' | 'settings';
  notifications: { newLocation: boolean; sessionExpired: boolean };
  bruteForce: { threshold: number; windowSeconds: number; coolDownSeconds: number };
  updatedBy: string | null;
  warning: { message: string; add: string } | null;
}

/**
 * Settings → Security: the proxies whose X-Forwarded-For is believed (one
 * per line; a bad entry is refused by name), the notices, and the
 * brute-force thresholds. A change applies to the next sign-in, no restart;
 * the page warns when recent sign-ins all share one private address.
 */
export function SecuritySettings() {
  const notify = useNotify();
  const queryClient = useQueryClient();
  const section = useQuery({
    queryKey: ['settings', 'security'],
    queryFn: async () => (await call<SecuritySection>('GET', '/api/settings/security')).body as SecuritySection,
  });
  const [proxies, setProxies] = useState('');
  const [notifications, setNotifications] = useState({ newLocation: true, sessionExpired: false });
  const [bruteForce, setBruteForce] = useState({ threshold: '10', windowSeconds: '600', coolDownSeconds: '900' });
  const [violations, setViolations] = useState<Violation[]>([]);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    const s = section.data;
    if (!s?.bruteForce) return;
    setProxies(s.trustedProxies.join('\n'));
    setNotifications(s.notifications);
    setBruteForce({
      threshold: String(s.bruteForce.threshold),
      windowSeconds: String(s.bruteForce.windowSeconds),
      coolDownSeconds: String(s.bruteForce.coolDownSeconds),
    });
  }, [section.data]);

  const entries = proxies
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  const error = (field: string) =>
    violations
      .filter((v) => v.field === field || v.field.startsWith(`${field}.`))
      .map((v) => (v.field === field ? v.message : `line ${Number(v.field.split('.')[1]) + 1}: ${v.message}`))
      .join('; ') || undefined;
  const save = async () => {
    setBusy(true);
    const res = await call('PUT', '/api/settings/security', {
      trustedProxies: entries,
      notifications,
      bruteForce: {
        threshold: Number(bruteForce.threshold),
        windowSeconds: Number(bruteForce.windowSeconds),
        coolDownSeconds: Number(bruteForce.coolDownSeconds),
      },
    });
    setBusy(false);
    if (res.ok) {
      setViolations([]);
      notify('Security settings saved: the next sign-in uses them', { type: 'info' });
      void queryClient.invalidateQueries({ queryKey: ['settings'] });
    } else {
      setViolations(res.body.violations ?? []);
      notify(res.body.message ?? `Not saved (${res.status})`, { type: 'warning' });
    }
  };
  const s = section.data;
  const number = (name: keyof typeof bruteForce, label: string, helper: string) => (
    <MuiTextField
      label={label}
      value={bruteForce[name]}
      onChange={(e) => setBruteForce({ ...bruteForce, [name]: e.target.value })}
      error={Boolean(error(`bruteForce.${name}`))}
      helperText={error(`bruteForce.${name}`) ?? helper}
      size="small"
      type="number"
      slotProps={{ htmlInput: { 'data-testid': `security-${name}` } }}
    />
  );
  return (
    <Card sx={{ mt: 2 }} data-testid="security-settings">
      <CardContent>
        <Typography variant="h6">Security</Typography>
        <Typography variant="body2" color="text.secondary" sx={{ mb: 2 }}>
          Applies to the next sign-in, without a restart.
          {s && !s.saved && ' Not saved yet: the gateway trusts the proxies of its TRUSTED_PROXIES setting.'}
          {s?.saved && s.updatedBy && ` Last saved by ${s.updatedBy}.`}
        </Typography>
        {s?.warning && (
          <Alert severity="warning" sx={{ mb: 2 }} data-testid="security-shared-ip">
            {s.warning.message}
          </Alert>
        )}
        <Stack spacing={2} sx={{ maxWidth: 640 }}>
          <MuiTextField
            label="Trusted proxies"
            value={proxies}
            onChange={(e) => setProxies(e.target.value)}
            multiline
            minRows={3}
            error={Boolean(error('trustedProxies'))}
            helperText={
              error('trustedProxies') ??
              'One IP or CIDR per line (or loopback, linklocal, uniquelocal): only these peers’ X-Forwarded-For is believed.'
            }
            slotProps={{ htmlInput: { 'data-testid': 'security-proxies' } }}
          />
          <FormControlLabel
            control={
              <Switch
                checked={notifications.newLocation}
                onChange={(e) => setNotifications({ ...notifications, newLocation: e.target.checked })}
              />
            }
            label="Email a user who signs in from a new country or network"
          />
          <FormControlLabel
            control={
              <Switch
                checked={notifications.sessionExpired}
                onChange={(e) => setNotifications({ ...notifications, sessionExpired: e.target.checked })}
              />
            }
            label="Email a user when their session expired"
          />
          <Stack direction="row" spacing={2}>
            {number('threshold', 'Failures', 'per account, address or network')}
            {number('windowSeconds', 'Within (s)', 'sliding window')}
            {number('coolDownSeconds', 'Block for (s)', 'cool-down')}
          </Stack>
          <Box>
            <MuiButton variant="contained" onClick={() => void save()} disabled={busy} data-testid="security-save">
              Save
            </MuiButton>
          </Box>
        </Stack>
      </CardContent>
    </Card>
  );
}
