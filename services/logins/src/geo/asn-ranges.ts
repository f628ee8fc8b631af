import { readFileSync } from 'node:fs';
import type ipaddr from 'ipaddr.js';

export interface AsnAnswer {
  asn: number;
  network: string;
}

/** 2^64 - 1: the low half of the last address of a /64. */
const LOW_ALL_ONES = (1n << 64n) - 1n;

/** An IPv6 range that starts or ends inside a /64: compared on all 128 bits. */
interface PartialRange {
  startHi: bigint;
  startLo: bigint;
  endHi: bigint;
  endLo: bigint;
  asn: number;
}

/**
 * @ip-location-db/asn's ranges (start, end, ASN, organisation), loaded once
 * into sorted typed arrays and searched by binary search: an address belongs
 * to the range starting last at or before it, if that range reaches it.
 * IPv4 ranges are 32-bit numbers. IPv6 ranges are nearly all whole /64s (all
 * but 183 of 103,197), so those keep only their high 64 bits.
 * Each ASN has one organisation in the data, so a row keeps its ASN and the
 * names are kept once per ASN, as UTF-8 in one buffer of 2.3 MB (as 81,000
 * strings they held 4.4 MB of heap).
 */
export class AsnRanges {
  private constructor(
    private readonly v4: { start: Uint32Array; end: Uint32Array; asn: Uint32Array },
    private readonly v6: { startHi: BigUint64Array; endHi: BigUint64Array; asn: Uint32Array },
    private readonly v6Partial: PartialRange[],
    private readonly organisations: Organisations,
  ) {}

  get size() {
    return { ipv4: this.v4.start.length, ipv6: this.v6.startHi.length + this.v6Partial.length, organisations: this.organisations.size };
  }

  /** Reads the `-num.csv` files (addresses as decimal numbers), sorted by start (one IPv4 range overlaps the next). */
  static load(ipv4NumCsv: string, ipv6NumCsv: string): AsnRanges {
    const names = new Map<number, string>();
    // An ASN's name is read from the first row that has it: one string per ASN, not one per row.
    const keepName = (row: Row) => {
      const asn = row.number(2);
      if (!names.has(asn)) names.set(asn, row.name());
    };
    const text4 = readFileSync(ipv4NumCsv);
    const n4 = countLines(text4);
    let v4 = { start: new Uint32Array(n4), end: new Uint32Array(n4), asn: new Uint32Array(n4) };
    let i = 0;
    forEachRow(text4, (row) => {
      v4.start[i] = row.number(0);
      v4.end[i] = row.number(1);
      v4.asn[i++] = row.number(2);
      keepName(row);
    });
    // A line that is not a row (a header, a blank line) leaves no zeros at the end for the binary search to meet.
    if (i < n4) v4 = { start: v4.start.slice(0, i), end: v4.end.slice(0, i), asn: v4.asn.slice(0, i) };
    const text6 = readFileSync(ipv6NumCsv);
    const n6 = countLines(text6);
    let v6 = { startHi: new BigUint64Array(n6), endHi: new BigUint64Array(n6), asn: new Uint32Array(n6) };
    const v6Partial: PartialRange[] = [];
    i = 0;
    forEachRow(text6, (row) => {
      const s = row.bigint(0);
      const e = row.bigint(1);
      const [startHi, startLo, endHi, endLo] = [s >> 64n, BigInt.asUintN(64, s), e >> 64n, BigInt.asUintN(64, e)];
      if (startLo === 0n && endLo === LOW_ALL_ONES) {
        v6.startHi[i] = startHi;
        v6.endHi[i] = endHi;
        v6.asn[i++] = row.number(2);
      } else v6Partial.push({ startHi, startLo, endHi, endLo, asn: row.number(2) });
      keepName(row);
    });
    if (i < n6) v6 = { startHi: v6.startHi.slice(0, i), endHi: v6.endHi.slice(0, i), asn: v6.asn.slice(0, i) };
    return new AsnRanges(v4, v6, v6Partial, Organisations.of(names));
  }

  lookup(address: ipaddr.IPv4 | ipaddr.IPv6): AsnAnswer | undefined {
    if (address.kind() === 'ipv4') {
      const [a, b, c, d] = (address as ipaddr.IPv4).octets as [number, number, number, number];
      return this.lookup4(((a << 24) >>> 0) + (b << 16) + (c << 8) + d);
    }
    const parts = (address as ipaddr.IPv6).parts;
    let hi = 0n;
    let lo = 0n;
    for (let i = 0; i < 4; i++) hi = (hi << 16n) | BigInt(parts[i]!);
    for (let i = 4; i < 8; i++) lo = (lo << 16n) | BigInt(parts[i]!);
    return this.lookup6(hi, lo);
  }

  /** The range holding an IPv4 address given as a 32-bit number. */
  lookup4(value: number): AsnAnswer | undefined {
    const { start, end, asn } = this.v4;
    const found = lastAtOrBefore(start.length, (i) => start[i]! <= value);
    return found < 0 || end[found]! < value ? undefined : this.answer(asn[found]!);
  }

  /** The range holding an IPv6 address given as its high and low 64 bits. */
  lookup6(hi: bigint, lo: bigint): AsnAnswer | undefined {
    // As over one sorted list: the range starting last at or before the address, from either table, if it reaches it.
    const partials = this.v6Partial;
    const p =
      partials[
        lastAtOrBefore(partials.length, (i) => partials[i]!.startHi < hi || (partials[i]!.startHi === hi && partials[i]!.startLo <= lo))
      ];
    const { startHi, endHi, asn } = this.v6;
    const w = lastAtOrBefore(startHi.length, (i) => startHi[i]! <= hi);
    if (p && (w < 0 || startHi[w]! <= p.startHi)) return hi < p.endHi || (hi === p.endHi && lo <= p.endLo) ? this.answer(p.asn) : undefined;
    return w < 0 || endHi[w]! < hi ? undefined : this.answer(asn[w]!);
  }

  private answer(asn: number): AsnAnswer {
    return { asn, network: this.organisations.nameOf(asn) };
  }
}

/** The last index in [0, length) for which `atOrBefore` holds, in a sorted array; -1 if none. */
function lastAtOrBefore(length: number, atOrBefore: (i: number) => boolean): number {
  let lo = 0;
  let hi = length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    if (atOrBefore(mid)) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found;
}

/** Each ASN's organisation: the ASNs sorted, their names one after another in one UTF-8 buffer. */
class Organisations {
  private constructor(
    private readonly asns: Uint32Array,
    private readonly nameStart: Uint32Array,
    private readonly names: Buffer,
  ) {}

  static of(names: Map<number, string>): Organisations {
    const asns = Uint32Array.from(names.keys()).sort();
    const nameStart = new Uint32Array(asns.length + 1);
    for (let i = 0; i < asns.length; i++) nameStart[i + 1] = nameStart[i]! + Buffer.byteLength(names.get(asns[i]!)!);
    const bytes = Buffer.allocUnsafeSlow(nameStart[asns.length]!);
    for (let i = 0; i < asns.length; i++) bytes.write(names.get(asns[i]!)!, nameStart[i]!, 'utf8');
    return new Organisations(asns, nameStart, bytes);
  }

  get size() {
    return this.asns.length;
  }

  nameOf(asn: number): string {
    const i = lastAtOrBefore(this.asns.length, (k) => this.asns[k]! <= asn);
    return i >= 0 && this.asns[i] === asn ? this.names.toString('utf8', this.nameStart[i], this.nameStart[i + 1]) : '';
  }
}

const NL = 0x0a;
const COMMA = 0x2c;
const QUOTE = 0x22;
const ZERO = 0x30;

function countLines(bytes: Buffer): number {
  let n = 0;
  for (let at = bytes.indexOf(NL); at >= 0; at = bytes.indexOf(NL, at + 1)) n++;
  return bytes.length && bytes[bytes.length - 1] !== NL ? n + 1 : n;
}

/** One row of a `-num.csv` file, `start,end,asn,organisation`, read from the file's bytes on demand. */
interface Row {
  /** Field 0, 1 or 2 as a number (exact up to 2^53: the IPv4 addresses and the ASNs). */
  number(field: 0 | 1 | 2): number;
  /** Field 0 or 1 as a bigint (the IPv6 addresses). */
  bigint(field: 0 | 1): bigint;
  /** The organisation: the rest of the line; quoted when it holds a comma, with doubled quotes inside. */
  name(): string;
}

/**
 * The files' rows, each read where it lies in the bytes: a row makes no
 * strings but its organisation's name, and only when asked for. Loading
 * makes 91,000 strings instead of two million (758 ms instead of 900, and a
 * peak 18 MB lower).
 */
function forEachRow(bytes: Buffer, each: (row: Row) => void) {
  const from = [0, 0, 0];
  const to = [0, 0, 0];
  let nameFrom = 0;
  let nameTo = 0;
  const row: Row = {
    number(field) {
      let n = 0;
      for (let at = from[field]!; at < to[field]!; at++) n = n * 10 + (bytes[at]! - ZERO);
      return n;
    },
    bigint(field) {
      // Fifteen digits at a time stay exact as a number; a bigint step per chunk, not per digit.
      let n = 0n;
      for (let at = from[field]!; at < to[field]!; at += 15) {
        const end = Math.min(at + 15, to[field]!);
        let chunk = 0;
        for (let k = at; k < end; k++) chunk = chunk * 10 + (bytes[k]! - ZERO);
        n = n * 10n ** BigInt(end - at) + BigInt(chunk);
      }
      return n;
    },
    name() {
      return bytes[nameFrom] === QUOTE && bytes[nameTo - 1] === QUOTE
        ? bytes.toString('utf8', nameFrom + 1, nameTo - 1).replaceAll('""', '"')
        : bytes.toString('utf8', nameFrom, nameTo);
    },
  };
  let at = 0;
  while (at < bytes.length) {
    let eol = bytes.indexOf(NL, at);
    if (eol < 0) eol = bytes.length;
    const c1 = bytes.indexOf(COMMA, at);
    const c2 = bytes.indexOf(COMMA, c1 + 1);
    const c3 = bytes.indexOf(COMMA, c2 + 1);
    if (c1 > 0 && c3 > 0 && c3 < eol) {
      [from[0], to[0], from[1], to[1], from[2], to[2]] = [at, c1, c1 + 1, c2, c2 + 1, c3];
      nameFrom = c3 + 1;
      nameTo = bytes[eol - 1] === 0x0d ? eol - 1 : eol;
      each(row);
    }
    at = eol + 1;
  }
}
