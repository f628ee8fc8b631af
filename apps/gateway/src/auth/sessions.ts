import type { Kysely } from 'kysely';
import type { IdentityTables } from './identity-tables';
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
  const expiresAt = new Date(Date.now() + ttlHours * 3_600_000);
  await db
    .insertInto('session')
    .values({ token_hash: tokenHash(token), user_id: userId, expires_at: expiresAt, ip: client.ip, user_agent: client.userAgent })
    .execute();
  return { token, expiresAt };
}

export async function principalFromSession(db: Kysely<IdentityTables>, token: string): Promise<Principal | undefined> {
  const row = await db
    .selectFrom('session')
    .innerJoin('user_account', 'user_account.id', 'session.user_id')
    .select(['user_account.id', 'user_account.email', 'user_account.name', 'user_account.role'])
    .where('session.token_hash', '=', tokenHash(token))
    .where('session.expires_at', '>', new Date())
    .where('user_account.disabled', '=', false)
    .executeTakeFirst();
  return row && { ...row, via: 'session' };
}

export async function endSession(db: Kysely<IdentityTables>, token: string): Promise<void> {
  await db.deleteFrom('session').where('token_hash', '=', tokenHash(token)).execute();
}
