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

/** How a request reached the gateway: the client address chosen, the direct peer, and X-Forwarded-For with each hop's trust. */
export interface ClientRoute {
  ip: string;
  peerIp: string;
  /** X-Forwarded-For left to right (the client's claimed address first). */
  forwardedFor: { ip: string; trusted: boolean }[];
}

/**
 * The trusted proxies in force: Settings → Security's list once it is saved
 * (the gateway applies each change as its projection reads it, no restart),
 * else TRUSTED_PROXIES. Every sign-in reads the current one.
 */
export class TrustedProxies {
  private trust: (addr: string, i: number) => boolean;
  private list: string[];
  private source: 'environment' | 'settings' = 'environment';

  constructor(private readonly fallback: string[]) {
    this.list = fallback;
    this.trust = proxyaddr.compile(fallback);
  }

  /** A saved list (entries are validated when saved; one proxy-addr cannot read is left out); undefined: back to the environment's. */
  apply(saved: string[] | undefined): void {
    const list = saved ?? this.fallback;
    const usable = list.filter((entry) => {
      try {
        proxyaddr.compile(entry);
        return true;
      } catch {
        return false;
      }
    });
    this.trust = proxyaddr.compile(usable);
    this.list = usable;
    this.source = saved ? 'settings' : 'environment';
  }

  get current(): { trustedProxies: string[]; source: 'environment' | 'settings' } {
    return { trustedProxies: [...this.list], source: this.source };
  }

  route(req: Request): ClientRoute {
    const all = proxyaddr.all(req);
    const peerIp = normalizeIp(all[0] ?? '');
    const header = String(req.headers['x-forwarded-for'] ?? '');
    const forwarded = header
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    // proxy-addr walks from the peer backwards: hop i of that walk is forwarded[forwarded.length - i].
    const forwardedFor = forwarded.map((ip, j) => ({ ip: normalizeIp(ip), trusted: this.trust(ip, forwarded.length - j) }));
    return { ip: normalizeIp(proxyaddr(req, this.trust)), peerIp, forwardedFor };
  }
}
