import ipaddr from 'ipaddr.js';
import proxyaddr from 'proxy-addr';
import type { Request } from 'express';

/**
 * The client's address: the direct peer, or the nearest untrusted address in
 * X-Forwarded-For when the peer is a trusted proxy (proxy-addr's rules).
 * `trusted` takes proxy-addr's forms: `loopback`, `uniquelocal`, CIDRs.
 * IPv4-mapped IPv6 (`::ffff:203.0.113.7`) becomes plain IPv4.
 */
export function clientIpResolver(trusted: string[]): (req: Request) => string {
  const trust = proxyaddr.compile(trusted);
  return (req) => normalizeIp(proxyaddr(req, trust));
}

export function normalizeIp(address: string): string {
  return ipaddr.isValid(address) ? ipaddr.process(address).toString() : address;
}
