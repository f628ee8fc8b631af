import { Alert, Box, Button as MuiButton, Card, CardContent, Stack, TextField as MuiTextField, Typography } from '@mui/material';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { useNotify } from 'react-admin';
import { call, describeTestResult, type Violation } from '../email-templates/templateApi';

interface EmailSection {
  saved: boolean;
  region: string | null;
  endpoint: string | null;
  sender: string | null;
  credentialsSet: boolean;
  accessKeyIdHint: string | null;
  updatedAt?: string;
  updatedBy?: string;
}

interface TestResult {
  status: string;
  to: string;
  providerCode: string | null;
  providerMessage: string | null;
  responseCode: number | null;
  providerMessageId: string | null;
}

const HINTS: Record<string, string> = {
  SignatureDoesNotMatch: 'The secret access key does not match the access key id: enter both again.',
  UnrecognizedClientException: 'The provider does not know this access key id (mistyped, deleted or from another account).',
  InvalidClientTokenId: 'The provider does not know this access key id (mistyped, deleted or from another account).',
  MessageRejected: 'The provider refused the message or the recipient: in the SES sandbox, only verified addresses receive mail.',
  MailFromDomainNotVerifiedException: 'The sender’s domain is not verified with the provider.',
  AccountSuspendedException: 'The provider account is suspended from sending.',
};

/**
 * Settings → Email: the SES provider (region, endpoint, sender, access key)
 * and Send test email, which sends to you through what is saved and shows the
 * provider's verdict at once. The secret never comes back from the gateway.
 */
export function EmailSettings() {
  const notify = useNotify();
  const queryClient = useQueryClient();
  const section = useQuery({
    // Under `settings`: a live notice on the section refetches it.
    queryKey: ['settings', 'email'],
    queryFn: async () => (await call<EmailSection>('GET', '/api/settings/email')).body as EmailSection,
  });
  const [form, setForm] = useState({ region: '', endpoint: '', sender: '', accessKeyId: '', secretAccessKey: '' });
  const [violations, setViolations] = useState<Violation[]>([]);
  const [test, setTest] = useState<TestResult | undefined>();
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    const s = section.data;
    if (s?.saved) setForm((f) => ({ ...f, region: s.region ?? '', endpoint: s.endpoint ?? '', sender: s.sender ?? '' }));
  }, [section.data]);

  const error = (field: string) => violations.find((v) => v.field === field)?.message;
  const save = async () => {
    setBusy(true);
    const res = await call('PUT', '/api/settings/email', form);
    setBusy(false);
    if (res.ok) {
      setViolations([]);
      setForm((f) => ({ ...f, accessKeyId: '', secretAccessKey: '' }));
      notify('Email settings saved', { type: 'info' });
      void queryClient.invalidateQueries({ queryKey: ['settings'] });
    } else {
      setViolations(res.body.violations ?? []);
      notify(res.body.message ?? `Not saved (${res.status})`, { type: 'warning' });
    }
  };
  const sendTest = async () => {
    setBusy(true);
    setTest(undefined);
    const res = await call<TestResult>('POST', '/api/settings/email/test');
    setBusy(false);
    if (res.ok) setTest(res.body);
    else notify(res.body.message ?? `Send test email failed (${res.status})`, { type: 'warning' });
  };

  const s = section.data;
  const field = (name: keyof typeof form, label: string, helper: string, extra: object = {}) => (
    <MuiTextField
      label={label}
      value={form[name]}
      onChange={(e) => setForm({ ...form, [name]: e.target.value })}
      error={Boolean(error(name))}
      helperText={error(name) ?? helper}
      size="small"
      slotProps={{ htmlInput: { 'data-testid': `settings-${name}` } }}
      {...extra}
    />
  );
  return (
    <Card sx={{ mt: 2 }} data-testid="email-settings">
      <CardContent>
        <Typography variant="h6">Email</Typography>
        <Typography variant="body2" color="text.secondary" sx={{ mb: 2 }}>
          The Amazon SES (v2) account every email goes out through. A change applies to the next email, without a restart.
          {s && !s.saved && ' Not saved yet: the email service sends with its own configuration (EMAIL_SES_*).'}
          {s?.saved && ` Last saved by ${s.updatedBy}.`}
        </Typography>
        <Stack spacing={2} sx={{ maxWidth: 640 }}>
          {field('region', 'Region', 'e.g. eu-west-1')}
          {field('endpoint', 'Endpoint', 'Empty: the region’s AWS endpoint; set for another SES v2 endpoint (a local one in development)')}
          {field('sender', 'Sender address', 'The From of every email; verified with the provider')}
          {field(
            'accessKeyId',
            'Access key id',
            s?.credentialsSet
              ? `Set (…${s.accessKeyIdHint ?? ''}): leave both empty to keep it`
              : 'Empty: the AWS credential chain (an IAM role)',
            { autoComplete: 'off' },
          )}
          {field('secretAccessKey', 'Secret access key', 'Sealed before it is stored; never shown again', {
            type: 'password',
            autoComplete: 'new-password',
          })}
          <Box>
            <MuiButton variant="contained" onClick={() => void save()} disabled={busy} data-testid="settings-save" sx={{ mr: 1 }}>
              Save
            </MuiButton>
            <MuiButton variant="outlined" onClick={() => void sendTest()} disabled={busy} data-testid="settings-test">
              Send test email
            </MuiButton>
          </Box>
          {test && (
            <Alert
              severity={test.status === 'sent' ? 'success' : test.status === 'failed' ? 'error' : 'info'}
              data-testid="settings-test-result"
            >
              {describeTestResult(test)}
              {test.providerCode && HINTS[test.providerCode] && (
                <>
                  <br />
                  <strong>Fix:</strong> {HINTS[test.providerCode]}
                </>
              )}
            </Alert>
          )}
        </Stack>
      </CardContent>
    </Card>
  );
}
