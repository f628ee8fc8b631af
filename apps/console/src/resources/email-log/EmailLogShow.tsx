import { Alert, Stack, Table, TableBody, TableCell, TableHead, TableRow, Typography } from '@mui/material';
import { Labeled, Link, Show, SimpleShowLayout, TextField, useRecordContext } from 'react-admin';
import { TimeField } from '../../TimeField';
import { EmailBody } from './EmailBody';
import { EmailStatusChip, type EmailLogRecord } from './EmailLogFields';

function Outcome() {
  const record = useRecordContext<EmailLogRecord>();
  if (!record) return null;
  if (record.status === 'sent')
    return (
      <Alert severity="success">
        Accepted by the provider ({record.responseCode}) as message <code>{record.providerMessageId}</code>, from {record.from}, after{' '}
        {record.attempts} attempt{record.attempts === 1 ? '' : 's'}.
      </Alert>
    );
  if (record.status === 'failed')
    return (
      <Alert severity="error" data-testid="email-failure">
        <strong>{record.providerCode}</strong>
        {record.responseCode ? ` (${record.responseCode})` : ''}: {record.providerMessage}
        <br />
        {record.permanent
          ? 'Permanent: retrying cannot help, so it was not retried.'
          : `Transient, but all ${record.attempts} attempts failed.`}
      </Alert>
    );
  return (
    <Alert severity="info">On its way{record.attempts ? `: ${record.attempts} attempt(s) failed so far, Temporal retries` : ''}.</Alert>
  );
}

function FailedAttempts() {
  const record = useRecordContext<EmailLogRecord>();
  if (!record?.failedAttempts?.length) return <Typography variant="body2">none</Typography>;
  return (
    <Table size="small">
      <TableHead>
        <TableRow>
          <TableCell>Attempt</TableCell>
          <TableCell>When</TableCell>
          <TableCell>Provider answer</TableCell>
        </TableRow>
      </TableHead>
      <TableBody>
        {record.failedAttempts.map((a) => (
          <TableRow key={a.attempt}>
            <TableCell>{a.attempt}</TableCell>
            <TableCell>{new Date(a.at).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'long' })}</TableCell>
            <TableCell>
              {a.providerCode} {a.responseCode ? `(${a.responseCode})` : ''}: {a.providerMessage}
            </TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}

function Cause() {
  const record = useRecordContext<EmailLogRecord>();
  if (!record) return null;
  const sameClick = `/email-log?filter=${encodeURIComponent(JSON.stringify({ correlationId: record.correlationId }))}`;
  return (
    <Stack spacing={0.5}>
      <Typography variant="body2">
        Correlation id <code data-testid="correlation-id">{record.correlationId}</code> (<Link to={sameClick}>every email of it</Link>)
      </Typography>
      <Typography variant="body2">
        {record.causedBy ? (
          <>
            Caused by <code>{record.causedBy.eventType}</code> <code>{record.causedBy.eventId}</code>
          </>
        ) : record.test ? (
          'A Send test from the console.'
        ) : (
          'Sent by a service’s email.send, with no causing event.'
        )}
      </Typography>
    </Stack>
  );
}

function TemplateAndVersion() {
  const record = useRecordContext<EmailLogRecord>();
  if (!record) return null;
  return (
    <Typography variant="body2">
      <Link to={`/email-templates/${encodeURIComponent(record.template)}`}>{record.template}</Link>, version {record.templateVersion}
    </Typography>
  );
}

function Body() {
  const record = useRecordContext<EmailLogRecord>();
  if (!record?.html) return null;
  return <EmailBody html={record.html} title={`Body of the email to ${record.to}, as sent`} height={520} />;
}

/** One email: its outcome, its subject and the body exactly as sent (sandboxed: a template cannot run script here), and what caused it. */
export function EmailLogShow() {
  return (
    <Show>
      <SimpleShowLayout>
        <Outcome />
        <TextField source="to" label="Recipient" />
        <Labeled label="Template">
          <TemplateAndVersion />
        </Labeled>
        <EmailStatusChip label="Status" />
        <TextField source="subject" />
        <TimeField source="createdAt" label="Queued" />
        <TimeField source="finishedAt" label="Finished" />
        <Labeled label="Failed attempts">
          <FailedAttempts />
        </Labeled>
        <Labeled label="Why">
          <Cause />
        </Labeled>
        <Labeled label="Body, as sent" fullWidth>
          <Body />
        </Labeled>
      </SimpleShowLayout>
    </Show>
  );
}
