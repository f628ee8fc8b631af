import ipaddr from 'ipaddr.js';
import type { Kysely } from 'kysely';
import type { IdentityTables } from './identity-tables';

export interface ThrottleLimits {
  /** Failures allowed on one account from one client address in the window before that address is refused for it. */
  perAccountAndIp: number;
  /** Failures allowed on one account from all addresses together (a guessing attack spread over many). */
  perAccount: number;
  /** Failures allowed per client address in the window. */
  perIp: number;
  windowSeconds: number;
}

export interface Attempt {
  email?: string;
  ip: string;
  /** Panel sign-in and API tokens are counted apart, so a broken script cannot lock people out of the panel. */
  channel: 'panel' | 'api';
}

/** A reserved attempt: release it on success, keep it (as a failure) otherwise. A refused one holds nothing. */
export interface Reservation {
  retryAfterSeconds: number;
  ids: number[];
}

/**
 * Counts recent failures in Postgres (not memory) so every gateway replica
 * sees the same count. Keyed by the email as typed, whether or not an account
 * has it, so the limit reveals nothing about which accounts exist; IPv6
 * clients are counted per /64, which one subscriber usually holds whole.
 *
 * Three counts, each with its limit: the account from this address (low: an
 * attacker's address is locked out of that account, and only that address);
 * the account from every address (higher: a guessing attack spread over many
 * addresses, which is the only way to lock a user out from everywhere); this
 * address on any account. A refused attempt checks no password and is no
 * failure: counting it would let anyone keep an account locked for ever by
 * retrying. The client address must be the real one, so behind an ingress
 * TRUSTED_PROXIES must name it (else every client shares its address).
 *
 * An attempt is recorded before its password is checked: checking first and
 * recording after lets a burst of parallel guesses all pass the check. Each
 * attempt counts only the failures recorded before it (by id), so of a burst
 * exactly the allowed number go on to a password check.
 */
export class LoginThrottle {
  constructor(
    private readonly db: Kysely<IdentityTables>,
    private readonly limits: ThrottleLimits,
  ) {}

  async reserve(attempt: Attempt): Promise<Reservation> {
    const at = new Date();
    const since = new Date(at.getTime() - this.limits.windowSeconds * 1000);
    const keys: [string, number][] = [[ipKey(attempt), this.limits.perIp]];
    if (attempt.email) {
      keys.push([accountKey(attempt.email), this.limits.perAccount], [accountIpKey(attempt.email, attempt), this.limits.perAccountAndIp]);
    }
    const rows = await this.db
      .insertInto('login_failure')
      .values(keys.map(([key]) => ({ key, at })))
      .returning(['id', 'key'])
      .execute();
    let wait = 0;
    for (const [key, limit] of keys) {
      const own = rows.find((r) => r.key === key)!.id;
      const row = await this.db
        .selectFrom('login_failure')
        .select((eb) => [eb.fn.countAll<number>().as('n'), eb.fn.min('at').as('oldest')])
        .where('key', '=', key)
        .where('at', '>', since)
        .where('id', '<=', own)
        .executeTakeFirstOrThrow();
      // This attempt's own row is counted: the limit-th failure is the last one allowed.
      if (Number(row.n) > limit && row.oldest) {
        wait = Math.max(wait, Math.ceil((new Date(row.oldest).getTime() + this.limits.windowSeconds * 1000 - at.getTime()) / 1000));
      }
    }
    const ids = rows.map((r) => r.id);
    // Refused: no password is checked, so nothing failed.
    if (wait > 0) await this.db.deleteFrom('login_failure').where('id', 'in', ids).execute();
    await this.db.deleteFrom('login_failure').where('at', '<', since).execute();
    return { retryAfterSeconds: wait, ids: wait > 0 ? [] : ids };
  }

  /** A successful attempt is no failure, and clears the account's counts (its own address's, and the account-wide one). */
  async succeeded(reservation: Reservation, email?: string, ip?: string): Promise<void> {
    if (reservation.ids.length) await this.db.deleteFrom('login_failure').where('id', 'in', reservation.ids).execute();
    if (!email) return;
    const keys = [accountKey(email), ...(ip ? [accountIpKey(email, { ip, channel: 'panel' })] : [])];
    await this.db.deleteFrom('login_failure').where('key', 'in', keys).execute();
  }
}

const accountKey = (email: string) => `account:${email.trim().toLowerCase()}`;
const accountIpKey = (email: string, attempt: Pick<Attempt, 'ip' | 'channel'>) =>
  `account-ip:${email.trim().toLowerCase()}|${clientKey(attempt.ip)}`;
const ipKey = ({ ip, channel }: Attempt) => `${channel}-ip:${clientKey(ip)}`;

/** An address as counted: IPv6 by its /64. */
function clientKey(ip: string): string {
  if (!ipaddr.isValid(ip)) return ip;
  const address = ipaddr.process(ip);
  return address.kind() === 'ipv6' ? `${address.toNormalizedString().split(':').slice(0, 4).join(':')}::/64` : ip;
}
