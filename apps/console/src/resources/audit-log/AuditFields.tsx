import { Chip, Stack, Tooltip, Typography } from '@mui/material';
import { Link, useGetOne, useRecordContext } from 'react-admin';

export interface DiffField {
  field: string;
  sensitive: boolean;
  /** `changed`, for a sensitive field: its values are never sent. */
  change?: 'changed';
  oldValue?: string;
  newValue?: string;
}

export interface AuditEntryRecord {
  id: string;
  sequence: number;
  occurredAt: string;
  actorKind: 'staff' | 'customer' | 'system';
  actorId: string;
  actorEmail: string;
  actorRole: string;
  source: 'console' | 'api' | 'cli' | 'system';
  clientIp: string;
  osUser: string;
  host: string;
  action: string;
  resourceType: string;
  resourceId: string;
  correlationId: string;
  sourceEventType: string;
  diff: DiffField[];
  sourceEventId?: string;
  sourceStream?: string;
  prevHash?: string;
  hash?: string;
  correlated?: {
    auditEntries: { id: string; action: string; resourceType: string; resourceId: string; actorEmail: string; occurredAt: string }[];
    emails: { id: string; to: string; template: string; subject: string; status: string; createdAt: string }[];
    tasks: { id: string; type: string; status: string; createdAt: string }[];
    provisioningLog: {
      id: string;
      serviceId: string;
      domain: string;
      action: string;
      attempt: number;
      status: string;
      createdAt: string;
    }[];
  };
}

/** `label` is read by the Datagrid for the column header. */
export interface ColumnProps {
  label?: string;
  sortable?: boolean;
}

/** The console page of a resource an entry names, where it has one. */
export function resourcePath(type: string, id: string): string | undefined {
  const one = encodeURIComponent(id);
  switch (type) {
    case 'task':
      return `/tasks/${one}/show`;
    case 'user':
      return `/users/${one}/show`;
    case 'service':
      return `/services/${one}/show`;
    case 'template':
      return `/email-templates/${one}`;
    case 'email':
      return `/email-log/${one}/show`;
    case 'panel-server':
      return '/panel-servers';
    case 'provisioning-log':
      return '/provisioning-log';
    case 'job':
      return '/schedules';
    case 'setting':
      return '/settings';
    default:
      return undefined;
  }
}

/** Who: the email known for the actor at the time (or `system`), with the role. */
export function ActorField(_: ColumnProps) {
  const record = useRecordContext<AuditEntryRecord>();
  if (!record) return null;
  if (record.actorKind === 'system') return <Typography variant="body2">system</Typography>;
  return (
    <Tooltip title={`${record.actorKind} ${record.actorId}`}>
      <Typography variant="body2">
        {record.actorEmail || record.actorId}{' '}
        <Typography component="span" variant="caption" color="text.secondary">
          {record.actorRole}
        </Typography>
      </Typography>
    </Tooltip>
  );
}

/** The Audit Log filtered to one resource: its whole history, which outlives the resource. */
export const historyPath = (type: string, id: string) =>
  `/audit-log?filter=${encodeURIComponent(JSON.stringify({ resourceType: type, resourceId: id }))}`;

/** Type and id, linked to the resource's page where it has one. */
export function ResourceLink({ type, id }: { type: string; id: string }) {
  const text = `${type} ${id}`;
  if (type === 'user') return <UserLink id={id} text={text} />;
  const path = resourcePath(type, id);
  return path ? <Link to={path}>{text}</Link> : <>{text}</>;
}

/**
 * A user's Team record while the account exists. A deleted account has no record (its page would be blank): its id
 * then links to its history in the Audit Log, with a `deleted` chip.
 */
function UserLink({ id, text }: { id: string; text: string }) {
  const { isPending, error } = useGetOne('users', { id }, { retry: false });
  if (isPending) return <>{text}</>;
  if ((error as { status?: number } | null)?.status === 404)
    return (
      <>
        <Link to={historyPath('user', id)}>{text}</Link>{' '}
        <Chip size="small" variant="outlined" label="deleted" data-testid="resource-deleted" />
      </>
    );
  return <Link to={resourcePath('user', id)!}>{text}</Link>;
}

/** What it was done to: type and id, linked to its page where it has one (a deleted user's: its history). */
export function ResourceField(_: ColumnProps) {
  const record = useRecordContext<AuditEntryRecord>();
  if (!record) return null;
  const linked = record.resourceType === 'user' || resourcePath(record.resourceType, record.resourceId) !== undefined;
  return (
    <Typography variant="body2" onClick={(e) => linked && e.stopPropagation()}>
      <ResourceLink type={record.resourceType} id={record.resourceId} />
    </Typography>
  );
}

const SOURCE_COLORS = { console: 'default', api: 'info', cli: 'warning', system: 'secondary' } as const;

/** console / api / cli / system, with the client IP (or, for the CLI, the OS user and host). */
export function SourceField(_: ColumnProps) {
  const record = useRecordContext<AuditEntryRecord>();
  if (!record) return null;
  const where = record.source === 'cli' ? [record.osUser, record.host].filter(Boolean).join('@') : record.clientIp;
  return (
    <Stack direction="row" spacing={0.5} alignItems="center">
      <Chip size="small" variant="outlined" label={record.source} color={SOURCE_COLORS[record.source] ?? 'default'} />
      {where && (
        <Typography variant="caption" color="text.secondary">
          {where}
        </Typography>
      )}
    </Stack>
  );
}

/** The fields an edit changed, by name; a sensitive one as a `changed` chip. */
export function ChangedFields(_: ColumnProps) {
  const record = useRecordContext<AuditEntryRecord>();
  if (!record?.diff.length) return null;
  return (
    <Stack direction="row" spacing={0.5} flexWrap="wrap">
      {record.diff.map((d) => (
        <Chip key={d.field} size="small" variant="outlined" label={d.sensitive ? `${d.field}: changed` : d.field} />
      ))}
    </Stack>
  );
}
