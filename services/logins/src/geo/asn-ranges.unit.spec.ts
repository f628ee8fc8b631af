import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AsnRanges } from './asn-ranges';

// The shipped files, read here the plain way (a regular expression per line) as the reference the compact
// tables must answer like: every range's first address, and where the next range starts after it (one IPv4
// range overlaps the next; the lookup takes the last range starting at or before the address) its last address
// and the address after it.
const dir = dirname(createRequire(import.meta.url).resolve('@ip-location-db/asn/package.json'));
const rows = (file: string) =>
  readFileSync(join(dir, file), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const [, start, end, asn, name] = /^(\d+),(\d+),(\d+),(.*?)\r?$/.exec(line)!;
      const network = name!.startsWith('"') ? name!.slice(1, -1).replaceAll('""', '"') : name!;
      return { start: BigInt(start!), end: BigInt(end!), answer: { asn: Number(asn), network } };
    });
const ranges = AsnRanges.load(join(dir, 'asn-ipv4-num.csv'), join(dir, 'asn-ipv6-num.csv'));

function expectSameAnswers(family: { start: bigint; end: bigint; answer: unknown }[], lookup: (address: bigint) => unknown) {
  const wrong: string[] = [];
  family.forEach((row, i) => {
    const next = family[i + 1];
    const checks: [bigint, unknown][] = [[row.start, row.answer]];
    if (!next || next.start > row.end)
      checks.push([row.end, row.answer], [row.end + 1n, next?.start === row.end + 1n ? next.answer : undefined]);
    for (const [address, expected] of checks) {
      if (wrong.length < 5 && JSON.stringify(lookup(address)) !== JSON.stringify(expected)) wrong.push(`${address}`);
    }
  });
  expect(wrong).toEqual([]);
}

describe('ASN ranges (the shipped files, held compactly)', () => {
  it('every IPv4 range answers its ASN and organisation at both ends, and the address after it the next range or nothing', () => {
    const v4 = rows('asn-ipv4-num.csv');
    expect(ranges.size.ipv4).toBe(v4.length);
    expectSameAnswers(v4, (address) => ranges.lookup4(Number(address)));
  });

  it('every IPv6 range too, the few that start or end inside a /64 among them', () => {
    const v6 = rows('asn-ipv6-num.csv');
    const low = (1n << 64n) - 1n;
    const partial = v6.filter((r) => (r.start & low) !== 0n || (r.end & low) !== low);
    expect(partial.length).toBeGreaterThan(0);
    expect(ranges.size.ipv6).toBe(v6.length);
    expectSameAnswers(v6, (address) => ranges.lookup6(address >> 64n, address & low));
  });

  it('an organisation whose name holds a comma or quotes is read whole', () => {
    expect(ranges.lookup4(16777216)).toEqual({ asn: 13335, network: 'Cloudflare, Inc.' });
  });
});
