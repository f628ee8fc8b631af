import ipaddr from 'ipaddr.js';

/** What kind of address: only `public` ones are looked up in the databases. */
export type IpClass = 'public' | 'private' | 'loopback' | 'link_local' | 'reserved' | 'invalid';

const CLASS_OF_RANGE: Record<string, IpClass> = {
  unicast: 'public',
  private: 'private',
  uniqueLocal: 'private',
  carrierGradeNat: 'private',
  loopback: 'loopback',
  linkLocal: 'link_local',
};

/** An address's class by ipaddr.js's range table (RFC 1918, 4193, 6598, 3927, 5735…); IPv4-mapped IPv6 is classed as its IPv4. */
export function classifyIp(ip: string): IpClass {
  if (!ipaddr.isValid(ip)) return 'invalid';
  return CLASS_OF_RANGE[ipaddr.process(ip).range()] ?? 'reserved';
}

/** A valid address in its canonical form (IPv4-mapped IPv6 as IPv4); undefined when not an address. */
export function canonicalIp(ip: string): ipaddr.IPv4 | ipaddr.IPv6 | undefined {
  return ipaddr.isValid(ip) ? ipaddr.process(ip) : undefined;
}
