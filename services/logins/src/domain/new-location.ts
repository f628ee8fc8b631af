/** Where a user has signed in from before: the countries and networks seen. */
export interface SeenLocations {
  countries: string[];
  asns: number[];
}

/**
 * What is new about a successful sign-in's location for its user: its
 * country, its network, both, or nothing. The first success of a user ever is
 * not "new" (there is nothing to compare with), and an unknown country or
 * network (a private address, a gap in the database) is never new.
 */
export function newLocationOf(seen: SeenLocations, location: { countryCode: string; asn: number }): ('country' | 'asn')[] {
  if (seen.countries.length === 0 && seen.asns.length === 0) return [];
  const changed: ('country' | 'asn')[] = [];
  if (location.countryCode && !seen.countries.includes(location.countryCode)) changed.push('country');
  if (location.asn && !seen.asns.includes(location.asn)) changed.push('asn');
  return changed;
}
