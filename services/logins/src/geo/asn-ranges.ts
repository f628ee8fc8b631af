import { readFileSync } from 'node:fs';
import type ipaddr from 'ipaddr.js';

export interface AsnAnswer {
  asn: number;
  network: string;
}

/**
 * @ip-location-db/asn's ranges (start, end, ASN, organisation), loaded once
 * into sorted typed arrays and searched by binary search: IPv4 as 32-bit
 * numbers, IPv6 as two 64-bit halves (compared high half first). The
 * organisation names are kept once each and referenced by index.
 */
export class AsnRanges {
  private constructor(
    private readonly v4: { start: Uint32Array; end: Uint32Array; asn: Uint32Array; org: Uint32Array },
    private readonly v6: {
      startHi: BigUint64Array;
      startLo: BigUint64Array;
      endHi: BigUint64Array;
      endLo: BigUint64Array;
      asn: Uint32Array;
      org: Uint32Array;
    },
    private readonly orgs: string[],
  ) {}

  get size() {
    return { ipv4: this.v4.start.length, ipv6: this.v6.startHi.length, organisations: this.orgs.length };
  }

  /** Reads the `-num.csv` files (addresses as decimal numbers), which are sorted by start and do not overlap. */
  static load(ipv4NumCsv: string, ipv6NumCsv: string): AsnRanges {
    const orgs: string[] = [];
    const orgIndex = new Map<string, number>();
    const org = (name: string) => {
      let i = orgIndex.get(name);
      if (i === undefined) {
        i = orgs.length;
        orgs.push(name);
        orgIndex.set(name, i);
      }
      return i;
    };
    const text4 = readFileSync(ipv4NumCsv);
    const n4 = countLines(text4);
    const v4 = { start: new Uint32Array(n4), end: new Uint32Array(n4), asn: new Uint32Array(n4), org: new Uint32Array(n4) };
    let i = 0;
    forEachRow(text4, (start, end, asn, name) => {
      v4.start[i] = Number(start);
      v4.end[i] = Number(end);
      v4.asn[i] = Number(asn);
      v4.org[i++] = org(name);
    });
    const text6 = readFileSync(ipv6NumCsv);
    const n6 = countLines(text6);
    const v6 = {
      startHi: new BigUint64Array(n6),
      startLo: new BigUint64Array(n6),
      endHi: new BigUint64Array(n6),
      endLo: new BigUint64Array(n6),
      asn: new Uint32Array(n6),
      org: new Uint32Array(n6),
    };
    i = 0;
    forEachRow(text6, (start, end, asn, name) => {
      const s = BigInt(start);
      const e = BigInt(end);
      v6.startHi[i] = s >> 64n;
      v6.startLo[i] = BigInt.asUintN(64, s);
      v6.endHi[i] = e >> 64n;
      v6.endLo[i] = BigInt.asUintN(64, e);
      v6.asn[i] = Number(asn);
      v6.org[i++] = org(name);
    });
    return new AsnRanges(v4, v6, orgs);
  }

  lookup(address: ipaddr.IPv4 | ipaddr.IPv6): AsnAnswer | undefined {
    return address.kind() === 'ipv4' ? this.lookup4(address as ipaddr.IPv4) : this.lookup6(address as ipaddr.IPv6);
  }

  private lookup4(address: ipaddr.IPv4): AsnAnswer | undefined {
    const [a, b, c, d] = address.octets as [number, number, number, number];
    const value = ((a << 24) >>> 0) + (b << 16) + (c << 8) + d;
    const { start, end } = this.v4;
    // The last range starting at or before the address.
    let lo = 0;
    let hi = start.length - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if (start[mid]! <= value) {
        found = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    if (found < 0 || end[found]! < value) return undefined;
    return { asn: this.v4.asn[found]!, network: this.orgs[this.v4.org[found]!]! };
  }

  private lookup6(address: ipaddr.IPv6): AsnAnswer | undefined {
    const parts = address.parts;
    let vHi = 0n;
    let vLo = 0n;
    for (let i = 0; i < 4; i++) vHi = (vHi << 16n) | BigInt(parts[i]!);
    for (let i = 4; i < 8; i++) vLo = (vLo << 16n) | BigInt(parts[i]!);
    const { startHi, startLo, endHi, endLo } = this.v6;
    let lo = 0;
    let hi = startHi.length - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const sHi = startHi[mid]!;
      if (sHi < vHi || (sHi === vHi && startLo[mid]! <= vLo)) {
        found = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    if (found < 0) return undefined;
    const eHi = endHi[found]!;
    if (eHi < vHi || (eHi === vHi && endLo[found]! < vLo)) return undefined;
    return { asn: this.v6.asn[found]!, network: this.orgs[this.v6.org[found]!]! };
  }
}

const NL = 0x0a;
const COMMA = 0x2c;
const QUOTE = 0x22;

function countLines(bytes: Buffer): number {
  let n = 0;
  for (let at = bytes.indexOf(NL); at >= 0; at = bytes.indexOf(NL, at + 1)) n++;
  return bytes.length && bytes[bytes.length - 1] !== NL ? n + 1 : n;
}

/**
 * The files' rows, `start,end,asn,organisation`, read from the bytes without
 * turning the file into one big string: only each organisation (the rest of
 * the line; quoted when it holds a comma, with doubled quotes inside) and the
 * numbers become strings, so nothing keeps the 20 MB file alive once loaded.
 */
function forEachRow(bytes: Buffer, row: (start: string, end: string, asn: string, organisation: string) => void) {
  let at = 0;
  while (at < bytes.length) {
    let eol = bytes.indexOf(NL, at);
    if (eol < 0) eol = bytes.length;
    const c1 = bytes.indexOf(COMMA, at);
    const c2 = bytes.indexOf(COMMA, c1 + 1);
    const c3 = bytes.indexOf(COMMA, c2 + 1);
    if (c1 > 0 && c3 > 0 && c3 < eol) {
      let end = eol;
      if (bytes[end - 1] === 0x0d) end--;
      const name =
        bytes[c3 + 1] === QUOTE && bytes[end - 1] === QUOTE
          ? bytes.toString('utf8', c3 + 2, end - 1).replaceAll('""', '"')
          : bytes.toString('utf8', c3 + 1, end);
      row(bytes.toString('latin1', at, c1), bytes.toString('latin1', c1 + 1, c2), bytes.toString('latin1', c2 + 1, c3), name);
    }
    at = eol + 1;
  }
}
