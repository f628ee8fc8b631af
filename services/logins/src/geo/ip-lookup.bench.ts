// How long the IP databases take to load, what they hold in memory, and how fast a lookup is: run with
// `npm run bench -w @opsledger/logins` (node --expose-gc, so the memory figures are after a collection).
// Prints figures; never fails on a number.
import ipaddr from 'ipaddr.js';
import { AsnRanges } from './asn-ranges';
import { IpLocator } from './locator';

const gc = (globalThis as { gc?: () => void }).gc ?? (() => undefined);
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

gc();
const before = process.memoryUsage();
const t0 = performance.now();
const locator = IpLocator.load();
const loadMs = performance.now() - t0;
gc();
const after = process.memoryUsage();
console.log(`databases: ${JSON.stringify(locator.databases)}`);
console.log(
  `load: ${loadMs.toFixed(0)} ms; held after GC: heap +${mb(after.heapUsed - before.heapUsed)}, ` +
    `array buffers +${mb(after.arrayBuffers - before.arrayBuffers)}, rss +${mb(after.rss - before.rss)} (rss now ${mb(after.rss)})`,
);

// Addresses spread over the whole space, public ones only (the others are labelled without a lookup), built before timing.
function randomPublic(kind: 'v4' | 'v6', n: number): string[] {
  const out: string[] = [];
  let seed = 12345;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) >>> 0), seed);
  while (out.length < n) {
    const ip =
      kind === 'v4'
        ? [rnd() & 255, rnd() & 255, rnd() & 255, rnd() & 255].join('.')
        : `2${(rnd() & 0xfff).toString(16).padStart(3, '0')}:${Array.from({ length: 7 }, () => (rnd() & 0xffff).toString(16)).join(':')}`;
    if (ipaddr.process(ip).range() === 'unicast') out.push(ip);
  }
  return out;
}

function time(label: string, ips: string[], lookup: (ip: string) => unknown) {
  for (const ip of ips.slice(0, 10_000)) lookup(ip); // warm up
  const batch = 1_000;
  const perBatch: number[] = [];
  let found = 0;
  const start = performance.now();
  for (let i = 0; i < ips.length; i += batch) {
    const b0 = performance.now();
    for (const ip of ips.slice(i, i + batch)) if (lookup(ip)) found++;
    perBatch.push(((performance.now() - b0) * 1000) / batch);
  }
  const totalUs = ((performance.now() - start) * 1000) / ips.length;
  perBatch.sort((a, b) => a - b);
  const p = (q: number) => perBatch[Math.min(perBatch.length - 1, Math.floor(q * perBatch.length))]!.toFixed(2);
  console.log(
    `${label}: ${totalUs.toFixed(2)} µs/lookup mean over ${ips.length} (per-1000 batch p50 ${p(0.5)} µs, p99 ${p(0.99)} µs), ${found} answered`,
  );
}

const v4 = randomPublic('v4', 200_000);
const v6 = randomPublic('v6', 200_000);
time('locate IPv4 (class + country mmdb + ASN ranges)', v4, (ip) => locator.locate(ip).countryCode);
time('locate IPv6 (class + country mmdb + ASN ranges)', v6, (ip) => locator.locate(ip).asn);
const parsed4 = v4.map((ip) => ipaddr.parse(ip));
const ranges = (locator as unknown as { asn: AsnRanges }).asn;
let i4 = 0;
time('ASN ranges alone, IPv4 (binary search over parsed addresses)', v4, () => ranges.lookup(parsed4[i4++ % parsed4.length]!));
