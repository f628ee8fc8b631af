import ipaddr from 'ipaddr.js';
import type { Kysely } from 'kysely';
import type { IpLogTables } from './ip-log-tables';

/** How many recent sign-ins are looked at, and the share of them one private address must have to raise the warning. */
const RECENT = 50;
const SHARE = 0.8;

/**
 * The "same internal IP for every login" symptom: most recent sign-ins share
 * one private or loopback address, which is what a proxy in front of the
 * gateway looks like when it is not trusted. Says which address to add to
 * Settings → Security's trusted proxies (the peer those attempts came from).
 */
export async function sharedPrivateIpWarning(db: Kysely<IpLogTables>) {
  const recent = await db.selectFrom('login_attempt').select(['ip_text', 'peer_ip']).orderBy('at', 'desc').limit(RECENT).execute();
  if (recent.length < 5) return null;
  const counts = new Map<string, number>();
  for (const r of recent) counts.set(r.ip_text, (counts.get(r.ip_text) ?? 0) + 1);
  const [ip, n] = [...counts].sort((a, b) => b[1] - a[1])[0]!;
  if (n / recent.length < SHARE || !ipaddr.isValid(ip)) return null;
  const range = ipaddr.process(ip).range();
  if (!['private', 'uniqueLocal', 'loopback', 'carrierGradeNat', 'linkLocal'].includes(range)) return null;
  const peer = recent.find((r) => r.ip_text === ip)?.peer_ip || ip;
  return {
    ip,
    share: Math.round((n / recent.length) * 100),
    of: recent.length,
    add: peer,
    message:
      `${n} of the last ${recent.length} sign-ins came from ${ip}, a private address: a proxy in front of the gateway ` +
      `is probably not trusted. Add ${peer} (or its network) to the trusted proxies so the client's own address is recorded.`,
  };
}
