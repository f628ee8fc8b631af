import { describe, expect, it } from 'vitest';
import { ipRange } from './ip-log.resource';

describe('ip filter as an inet range', () => {
  it('an address is a range of one (IPv4-mapped IPv6 as IPv4)', () => {
    expect(ipRange('203.0.113.7')).toEqual({ from: '203.0.113.7', to: '203.0.113.7' });
    expect(ipRange('::ffff:203.0.113.7')).toEqual({ from: '203.0.113.7', to: '203.0.113.7' });
  });
  it('a CIDR is its network to its broadcast address, IPv4 and IPv6, host bits ignored', () => {
    expect(ipRange('10.1.2.3/8')).toEqual({ from: '10.0.0.0', to: '10.255.255.255' });
    expect(ipRange('2001:db8::/32')).toEqual({ from: '2001:db8::', to: '2001:db8:ffff:ffff:ffff:ffff:ffff:ffff' });
  });
  it('anything else is no range', () => {
    expect(ipRange('10.0.0.0/33')).toBeUndefined();
    expect(ipRange('example.com')).toBeUndefined();
  });
});
