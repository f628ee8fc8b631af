import { Chip, Stack, Table, TableBody, TableCell, TableHead, TableRow, Typography } from '@mui/material';
import { Labeled, Link, Show, SimpleShowLayout, TextField, useRecordContext } from 'react-admin';
import { TimeField } from '../../TimeField';
import { ActorField, type AuditEntryRecord, ResourceField, ResourceLink } from './AuditFields';

const listOf = (resource: string, filter: object) => `/${resource}?filter=${encodeURIComponent(JSON.stringify(filter))}`;
const when = (at: string) => new Date(at).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'long' });

/** Values are JSON text as recorded; shown as they are, an absent one as ∅. */
const Value = ({ text }: { text: string | undefined }) =>
  text ? (
    <Typography component="code" variant="body2" sx={{ wordBreak: 'break-all' }}>
      {text}
    </Typography>
  ) : (
    <Typography variant="body2" color="text.secondary">
      ∅
    </Typography>
  );

/** The edit, field by field; a sensitive field (a password, a token, a key) only as a `changed` chip. */
function Diff() {
  const record = useRecordContext<AuditEntryRecord>();
  if (!record) return null;
  if (!record.diff.length) return <Typography variant="body2">no field changes recorded</Typography>;
  return (
    <Table size="small" data-testid="audit-diff">
      <TableHead>
        <TableRow>
          <TableCell>Field</TableCell>
          <TableCell>Before</TableCell>
          <TableCell>After</TableCell>
        </TableRow>
      </TableHead>
      <TableBody>
        {record.diff.map((d) => (
          <TableRow key={d.field}>
            <TableCell>{d.field}</TableCell>
            {d.sensitive ? (
              <TableCell colSpan={2}>
                <Chip size="small" color="warning" label="changed" data-testid="sensitive-changed" />
              </TableCell>
            ) : (
              <>
                <TableCell>
                  <Value text={d.oldValue} />
                </TableCell>
                <TableCell>
                  <Value text={d.newValue} />
                </TableCell>
              </>
            )}
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}

/** Everything that shares the entry's correlation id, each a link to its page. */
function Correlated() {
  const record = useRecordContext<AuditEntryRecord>();
  if (!record) return null;
  const entries = record.correlated?.auditEntries ?? [];
  const emails = record.correlated?.emails ?? [];
  const tasks = record.correlated?.tasks ?? [];
  const attempts = record.correlated?.provisioningLog ?? [];
  return (
    <Stack spacing={1} data-testid="correlated">
      <Typography variant="body2">
        Correlation id <code data-testid="correlation-id">{record.correlationId || '—'}</code>
        {record.correlationId && (
          <>
            {' '}
            (<Link to={listOf('audit-log', { correlationId: record.correlationId })}>every entry of it</Link>,{' '}
            <Link to={listOf('email-log', { correlationId: record.correlationId })}>every email of it</Link>)
          </>
        )}
      </Typography>
      {entries.length + emails.length + tasks.length + attempts.length === 0 && (
        <Typography variant="body2" color="text.secondary">
          Nothing else shares it.
        </Typography>
      )}
      {entries.map((e) => (
        <Typography variant="body2" key={e.id} data-testid="correlated-entry">
          <Link to={`/audit-log/${encodeURIComponent(e.id)}/show`}>{e.action}</Link> on{' '}
          <ResourceLink type={e.resourceType} id={e.resourceId} /> by {e.actorEmail || 'system'}, {when(e.occurredAt)}
        </Typography>
      ))}
      {tasks.map((t) => (
        <Typography variant="body2" key={t.id} data-testid="correlated-task">
          Task <Link to={`/tasks/${encodeURIComponent(t.id)}/show`}>{t.type}</Link> ({t.status}), {when(t.createdAt)}
        </Typography>
      ))}
      {attempts.map((a) => (
        <Typography variant="body2" key={a.id} data-testid="correlated-attempt">
          Provisioning <Link to={listOf('provisioning-log', { serviceId: a.serviceId })}>{a.action}</Link> of{' '}
          <Link to={`/services/${encodeURIComponent(a.serviceId)}/show`}>{a.domain}</Link>, attempt {a.attempt} ({a.status}),{' '}
          {when(a.createdAt)}
        </Typography>
      ))}
      {emails.map((m) => (
        <Typography variant="body2" key={m.id} data-testid="correlated-email">
          Email <Link to={`/email-log/${encodeURIComponent(m.id)}/show`}>{m.subject || m.template}</Link> to {m.to} ({m.status}),{' '}
          {when(m.createdAt)}
        </Typography>
      ))}
    </Stack>
  );
}

function Where() {
  const record = useRecordContext<AuditEntryRecord>();
  if (!record) return null;
  return (
    <Stack direction="row" spacing={1} alignItems="center">
      <Chip size="small" variant="outlined" label={record.source} data-testid="audit-source" />
      <Typography variant="body2">
        {record.source === 'cli'
          ? `Run as ${record.osUser || '?'} on ${record.host || '?'}`
          : `Client IP ${record.clientIp || 'not recorded'}`}
      </Typography>
    </Stack>
  );
}

function Recorded() {
  const record = useRecordContext<AuditEntryRecord>();
  if (!record) return null;
  return (
    <Typography variant="body2">
      Entry {record.sequence} of the chain, from <code>{record.sourceEventType}</code> <code>{record.sourceEventId}</code> on{' '}
      {record.sourceStream}
      <br />
      <Typography component="span" variant="caption" color="text.secondary" sx={{ wordBreak: 'break-all' }}>
        hash {record.hash} · previous {record.prevHash || '(chain start)'}
      </Typography>
    </Typography>
  );
}

/** One entry: who did what to which resource and when, from where, the diff, and what else shares its correlation id. */
export function AuditLogShow() {
  return (
    <Show>
      <SimpleShowLayout>
        <TextField source="action" />
        <TimeField source="occurredAt" label="When" />
        <Labeled label="Actor">
          <ActorField />
        </Labeled>
        <Labeled label="Resource">
          <ResourceField />
        </Labeled>
        <Labeled label="Source">
          <Where />
        </Labeled>
        <Labeled label="Changes" fullWidth>
          <Diff />
        </Labeled>
        <Labeled label="Correlated" fullWidth>
          <Correlated />
        </Labeled>
        <Labeled label="Recorded">
          <Recorded />
        </Labeled>
      </SimpleShowLayout>
    </Show>
  );
}
