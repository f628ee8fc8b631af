import { Alert, Table, TableBody, TableCell, TableHead, TableRow, Typography } from '@mui/material';
import { Labeled, Show, SimpleShowLayout, TextField, useRecordContext } from 'react-admin';
import { TimeField } from '../../TimeField';
import { AddressField, type IpLogRecord, PlaceField, ResultChip } from './IpLogFields';

/** The route the request took: the client's claimed address first, each proxy after it, then the gateway's direct peer. */
function ProxyChain() {
  const record = useRecordContext<IpLogRecord>();
  if (!record) return null;
  const hops = [
    ...(record.forwardedFor ?? []).map((h) => ({ ...h, role: 'X-Forwarded-For' })),
    { ip: record.peerIp, trusted: false, role: 'peer' },
  ];
  return (
    <Table size="small" data-testid="ip-log-chain">
      <TableHead>
        <TableRow>
          <TableCell>Address</TableCell>
          <TableCell>Seen as</TableCell>
          <TableCell>Trusted proxy</TableCell>
          <TableCell>Chosen</TableCell>
        </TableRow>
      </TableHead>
      <TableBody>
        {hops.map((h, i) => (
          <TableRow key={i}>
            <TableCell>
              <code>{h.ip}</code>
            </TableCell>
            <TableCell>{h.role}</TableCell>
            <TableCell>
              {h.role === 'peer'
                ? record.forwardedFor?.length
                  ? record.ip !== record.peerIp
                    ? 'yes'
                    : 'no'
                  : '—'
                : h.trusted
                  ? 'yes'
                  : 'no'}
            </TableCell>
            <TableCell>{h.ip === record.ip ? '✔ client address' : ''}</TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}

function Why() {
  const record = useRecordContext<IpLogRecord>();
  if (!record) return null;
  if (!record.forwardedFor?.length)
    return <Typography variant="body2">No X-Forwarded-For: the client address is the peer itself.</Typography>;
  return record.ip === record.peerIp ? (
    <Alert severity="warning">
      The peer {record.peerIp} is not a trusted proxy, so its X-Forwarded-For was not believed. If it is your load balancer or ingress, add
      it in Settings → Security.
    </Alert>
  ) : (
    <Alert severity="info">Walking back from the peer, the first address that is not a trusted proxy is the client: {record.ip}.</Alert>
  );
}

function Databases() {
  const record = useRecordContext<IpLogRecord>();
  if (!record?.databases) return null;
  return (
    <Typography variant="body2" color="text.secondary">
      Country database of {record.databases.country ?? '—'} (IP Geolocation by DB-IP), ASN database of {record.databases.asn ?? '—'}
      {record.newLocation && ` · new ${record.newLocation} for this user${record.notified ? ', notice emailed' : ''}`}
    </Typography>
  );
}

/** One sign-in attempt: the proxy chain and why this address was chosen, its place, and the raw user agent. */
export function IpLogShow() {
  return (
    <Show title="Sign-in attempt">
      <SimpleShowLayout>
        <TimeField source="at" label="Time" />
        <TextField source="email" label="User" emptyText="—" />
        <ResultChip label="Result" />
        <TextField source="reason" emptyText="—" />
        <TextField source="channel" />
        <AddressField label="IP" />
        <PlaceField label="Country / network" />
        <Databases />
        <Labeled label="Proxy chain">
          <ProxyChain />
        </Labeled>
        <Why />
        <TextField source="userAgentSummary" label="Client" emptyText="—" />
        <TextField source="userAgent" label="Raw user agent" emptyText="—" />
      </SimpleShowLayout>
    </Show>
  );
}
