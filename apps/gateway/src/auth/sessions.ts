import type { Kysely } from 'kysely';
import type { IdentityTables } from './identity-tables';
import type { Admitted } from './principal-cache';
import type { Principal } from './principal';
import { newToken, tokenHash } from './secrets';

export const SESSION_COOKIE = 'ol_session';

export async function createSession(
  db: Kysely<IdentityTables>,
  userId: string,
  client: { ip: string; userAgent: string },
  ttlHours: number,
): Promise<{ token: string; expiresAt: Date }> {
  const token = newToken();
  const now = new Date();
  const expiresAt = new Date(now.getTime() + ttlHours * 3_600_000);
  await db.transaction().execute(async (trx) => {
    // Nothing reads an expired session again: the account's own go as it signs in, so the table holds each account's
    // live sessions and the ones it left since it last signed in, not every sign-in ever.
    await trx.deleteFrom('session').where('user_id', '=', userId).where('expires_at', '<=', now).execute();
    await trx
      .insertInto('session')
      .values({ token_hash: tokenHash(token), user_id: userId, expires_at: expiresAt, ip: client.ip, user_agent: client.userAgent })
      .execute();
  });
  return { token, expiresAt };
}

/** The account of the session whose token hashes to `hash`, while the session lasts and the account is enabled: the principal, and until when it holds. */
export async function admitSession(db: Kysely<IdentityTables>, hash: string): Promise<Admitted<Principal> | undefined> {
  const row = await db
    .selectFrom('session')
    .innerJoin('user_account', 'user_account.id', 'session.user_id')
    .select(['user_account.id', 'user_account.email', 'user_account.name', 'user_account.role', 'session.expires_at'])
    .where('session.token_hash', '=', hash)
    .where('session.expires_at', '>', new Date())
    .where('user_account.disabled', '=', false)
    .executeTakeFirst();
  if (!row) return undefined;
  const { expires_at, ...account } = row;
  return { value: { ...account, via: 'session' }, userId: account.id, expiresAt: new Date(expires_at) };
}

export async function endSession(db: Kysely<IdentityTables>, hash: string): Promise<void> {
  await db.deleteFrom('session').where('token_hash', '=', hash).execute();
}
