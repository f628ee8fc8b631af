import { describe, expect, it } from 'vitest';
import { classifyIp } from './ip-class';
import { IpLocator } from './locator';

// The databases that ship in the npm packages, loaded as the service loads them.
const locator = IpLocator.load();

describe('IP locator (shipped databases)', () => {
  it('a public IPv4 address gets its country and its network', () => {
    expect(locator.locate('8.8.8.8')).toEqual({ ipClass: 'public', countryCode: 'US', asn: 15169, network: 'Google LLC' });
    expect(locator.locate('193.99.144.80')).toMatchObject({ countryCode: 'DE', asn: 206564 });
  });

  it('a public IPv6 address too (binary search over 128-bit ranges), and IPv4-mapped IPv6 as its IPv4', () => {
    expect(locator.locate('2001:4860:4860::8888')).toMatchObject({ ipClass: 'public', asn: 15169, network: 'Google LLC' });
    expect(locator.locate('::ffff:8.8.8.8')).toEqual(locator.locate('8.8.8.8'));
  });

  it('private, loopback, link-local and reserved addresses are labelled, not looked up', () => {
    expect(locator.locate('10.1.2.3')).toEqual({ ipClass: 'private', countryCode: '', asn: 0, network: '' });
    expect(locator.locate('192.168.0.1').ipClass).toBe('private');
    expect(locator.locate('100.64.0.1').ipClass).toBe('private');
    expect(locator.locate('fd00::1').ipClass).toBe('private');
    expect(locator.locate('127.0.0.1').ipClass).toBe('loopback');
    expect(locator.locate('::1').ipClass).toBe('loopback');
    expect(locator.locate('169.254.1.1').ipClass).toBe('link_local');
    expect(locator.locate('203.0.113.7')).toEqual({ ipClass: 'reserved', countryCode: '', asn: 0, network: '' });
    expect(classifyIp('not-an-ip')).toBe('invalid');
  });

  it('an address in no range has no network; the databases say how fresh they are', () => {
    expect(locator.locate('2c0f:ffff:ffff::1').asn).toBe(0);
    expect(locator.databases.country.date).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(locator.databases.asn.date).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(locator.databases.asn.ranges.ipv4).toBeGreaterThan(100_000);
    expect(locator.databases.asn.ranges.ipv6).toBeGreaterThan(10_000);
  });
});
