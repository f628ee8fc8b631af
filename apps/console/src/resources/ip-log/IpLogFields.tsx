import { Chip, Stack, Tooltip, Typography } from '@mui/material';
import { useRecordContext } from 'react-admin';

export interface IpLogRecord {
  id: string;
  at: string;
  userId: string | null;
  email: string;
  ip: string;
  peerIp: string;
  channel: 'panel' | 'api';
  result: 'succeeded' | 'failed' | 'rate_limited';
  reason: string;
  ipClass: string | null;
  countryCode: string | null;
  asn: number | null;
  network: string | null;
  userAgentSummary: string | null;
  newLocation: string | null;
  userAgent?: string;
  forwardedFor?: { ip: string; trusted: boolean }[];
  notified?: boolean;
  databases?: { country: string | null; asn: string | null };
  blocksRaised?: { id: string; scope: string; key: string; active: boolean; blockedUntil: string }[];
}

/** `label` is read by the Datagrid for the column header. */
export interface ColumnProps {
  label?: string;
  sortable?: boolean;
}

const RESULT = {
  succeeded: { color: 'success', label: 'succeeded' },
  failed: { color: 'error', label: 'failed' },
  rate_limited: { color: 'warning', label: 'refused' },
} as const;

/** succeeded / failed / refused (rate-limited or blocked), with the reason on hover. */
export function ResultChip(_: ColumnProps) {
  const record = useRecordContext<IpLogRecord>();
  if (!record) return null;
  const r = RESULT[record.result] ?? { color: 'default', label: record.result };
  return (
    <Tooltip title={record.reason || ''}>
      <Chip size="small" color={r.color} label={r.label} data-testid="ip-log-result" />
    </Tooltip>
  );
}

/** A country code as its flag (regional indicator letters) and the code. */
export const flagOf = (code: string) => String.fromCodePoint(...[...code.toUpperCase()].map((c) => 0x1f1e6 + c.charCodeAt(0) - 65));

/** Country and network, or what kind of address it is when it is not a public one (never looked up). */
export function PlaceField(_: ColumnProps) {
  const record = useRecordContext<IpLogRecord>();
  if (!record) return null;
  if (!record.ipClass)
    return (
      <Typography variant="body2" color="text.secondary">
        locating…
      </Typography>
    );
  if (record.ipClass !== 'public') return <Chip size="small" variant="outlined" label={record.ipClass.replace('_', '-')} />;
  return (
    <Stack direction="row" spacing={1} alignItems="center">
      <span title={record.countryCode ?? ''}>{record.countryCode ? `${flagOf(record.countryCode)} ${record.countryCode}` : '—'}</span>
      {record.asn ? (
        <Typography variant="body2" color="text.secondary">
          AS{record.asn} {record.network}
        </Typography>
      ) : null}
      {record.newLocation && <Chip size="small" color="info" label={`new ${record.newLocation.replace(',', ' & ')}`} />}
    </Stack>
  );
}

/** The address chosen, with the peer when a proxy forwarded it. */
export function AddressField(_: ColumnProps) {
  const record = useRecordContext<IpLogRecord>();
  if (!record) return null;
  return (
    <span>
      <code>{record.ip}</code>
      {record.peerIp && record.peerIp !== record.ip && (
        <Typography component="span" variant="caption" color="text.secondary">
          {' '}
          via {record.peerIp}
        </Typography>
      )}
    </span>
  );
}
