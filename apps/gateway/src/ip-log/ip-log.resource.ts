import ipaddr from 'ipaddr.js';
import { z } from 'zod';
import type { ResourceSpec } from '../api/list/resource-spec';
import type { LoginAttemptRow } from './ip-log-tables';

const time = z.iso
  .datetime({ offset: true, error: 'must be an ISO 8601 time with its offset, e.g. 2026-11-21T10:00:00Z' })
  .transform((v) => new Date(v));
const address = z.string().refine((v) => ipaddr.isValid(v), 'must be an IP address');

/**
 * `ip` as a caller sends it, an address or a CIDR, as the inclusive range of
 * addresses it covers (`ip_gte`, `ip_lte`): inet compares addresses in order,
 * so the range is the CIDR's containment and one btree index serves both.
 */
export function ipRange(value: string): { from: string; to: string } | undefined {
  try {
    if (value.includes('/')) {
      const [network] = ipaddr.parseCIDR(value);
      const n = network.kind() === 'ipv4' ? ipaddr.IPv4.networkAddressFromCIDR(value) : ipaddr.IPv6.networkAddressFromCIDR(value);
      const b = network.kind() === 'ipv4' ? ipaddr.IPv4.broadcastAddressFromCIDR(value) : ipaddr.IPv6.broadcastAddressFromCIDR(value);
      return { from: n.toString(), to: b.toString() };
    }
    const one = ipaddr.process(value).toString();
    return { from: one, to: one };
  } catch {
    return undefined;
  }
}

/** The IP Log: newest first, filtered by user, email, address (exact or CIDR), result, country, ASN, channel and time. */
export const ipLogResource: ResourceSpec<LoginAttemptRow> = {
  resource: 'ip-log',
  table: 'login_attempt',
  idColumn: 'id',
  filters: {
    userId: { column: 'user_id', op: 'eq', schema: z.string().min(1).max(64) },
    email: {
      column: 'email',
      op: 'eq',
      schema: z
        .string()
        .min(1)
        .max(254)
        .transform((e) => e.trim().toLowerCase()),
    },
    ip_gte: { column: 'ip', op: 'gte', schema: address },
    ip_lte: { column: 'ip', op: 'lte', schema: address },
    result: {
      column: 'result',
      op: 'eq',
      schema: z.enum(['succeeded', 'failed', 'rate_limited'], 'must be succeeded, failed or rate_limited'),
    },
    failedOnly: {
      column: 'result',
      op: 'in',
      schema: z.literal(true, 'must be true (leave it out for every result)').transform(() => ['failed', 'rate_limited']),
    },
    country: {
      column: 'country_code',
      op: 'eq',
      schema: z
        .string()
        .regex(/^[A-Za-z]{2}$/, 'must be a two-letter country code')
        .transform((c) => c.toUpperCase()),
    },
    asn: { column: 'asn', op: 'eq', schema: z.coerce.number('must be a number').int().min(1, 'must be an AS number').max(4_294_967_295) },
    channel: { column: 'channel', op: 'eq', schema: z.enum(['panel', 'api'], 'must be panel or api') },
    at_gte: { column: 'at', op: 'gte', schema: time },
    at_lte: { column: 'at', op: 'lte', schema: time },
  },
  sortable: { at: 'at' },
  defaultSort: ['at', 'DESC'],
  keysetSorts: ['at'],
  toJson: (row) => ({
    id: row.id,
    at: row.at,
    userId: row.user_id || null,
    email: row.email,
    ip: row.ip_text,
    peerIp: row.peer_ip,
    channel: row.channel,
    result: row.result,
    reason: row.reason,
    ipClass: row.ip_class || null,
    countryCode: row.country_code || null,
    asn: row.asn === null ? null : Number(row.asn),
    network: row.network || null,
    userAgentSummary: row.user_agent_summary || null,
    newLocation: row.new_location || null,
  }),
  csv: [
    ['id', 'id'],
    ['at', 'at'],
    ['user_id', 'userId'],
    ['email', 'email'],
    ['ip', 'ip'],
    ['peer_ip', 'peerIp'],
    ['channel', 'channel'],
    ['result', 'result'],
    ['reason', 'reason'],
    ['ip_class', 'ipClass'],
    ['country', 'countryCode'],
    ['asn', 'asn'],
    ['network', 'network'],
    ['user_agent', 'userAgentSummary'],
    ['new_location', 'newLocation'],
  ],
};
