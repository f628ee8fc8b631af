import ipaddr from 'ipaddr.js';
import type { Kysely } from 'kysely';
import type { IdentityTables } from './identity-tables';

export interface ThrottleLimits {
  /** Failures allowed per account in the window before sign-in is refused. */
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

/** A reserved attempt: release it on success, keep it (as a failure) otherwise. */
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
 * An attempt is recorded before its password is checked: checking first and
 * recording after lets a burst of parallel guesses all pass the check.
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
    if (attempt.email) keys.push([accountKey(attempt.email), this.limits.perAccount]);
    const rows = await this.db
      .insertInto('login_failure')
      .values(keys.map(([key]) => ({ key, at })))
      .returning('id')
      .execute();
    let wait = 0;
    for (const [key, limit] of keys) {
      const row = await this.db
        .selectFrom('login_failure')
        .select((eb) => [eb.fn.countAll<number>().as('n'), eb.fn.min('at').as('oldest')])
        .where('key', '=', key)
        .where('at', '>', since)
        .executeTakeFirstOrThrow();
      // This attempt's own row is counted: the limit-th failure is the last one allowed.
      if (Number(row.n) > limit && row.oldest) {
        wait = Math.max(wait, Math.ceil((new Date(row.oldest).getTime() + this.limits.windowSeconds * 1000 - at.getTime()) / 1000));
      }
    }
    await this.db.deleteFrom('login_failure').where('at', '<', since).execute();
    return { retryAfterSeconds: wait, ids: rows.map((r) => r.id) };
  }

  /** A successful attempt is no failure, and clears the account's count. */
  async succeeded(reservation: Reservation, email?: string): Promise<void> {
    await this.db.deleteFrom('login_failure').where('id', 'in', reservation.ids).execute();
    if (email) await this.db.deleteFrom('login_failure').where('key', '=', accountKey(email)).execute();
  }
}

const accountKey = (email: string) => `account:${email.trim().toLowerCase()}`;

function ipKey({ ip, channel }: Attempt): string {
  let key = ip;
  if (ipaddr.isValid(ip)) {
    const address = ipaddr.process(ip);
    if (address.kind() === 'ipv6') key = `${address.toNormalizedString().split(':').slice(0, 4).join(':')}::/64`;
  }
  return `${channel}-ip:${key}`;
}
