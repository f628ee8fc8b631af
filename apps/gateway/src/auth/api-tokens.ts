import type { Kysely } from 'kysely';
import { v7 as uuidv7 } from 'uuid';
import type { IdentityTables } from './identity-tables';
import type { Principal } from './principal';
import { newToken, tokenHash } from './secrets';

const TOKEN_PREFIX = 'olt_';

export async function createApiToken(
  db: Kysely<IdentityTables>,
  input: { userId: string; name: string; createdBy: string; expiresAt: Date },
) {
  const token = newToken(TOKEN_PREFIX);
  const row = await db
    .insertInto('api_token')
    .values({
      id: uuidv7(),
      user_id: input.userId,
      name: input.name,
      token_hash: tokenHash(token),
      token_prefix: token.slice(0, 10),
      created_by: input.createdBy,
      expires_at: input.expiresAt,
    })
    .returning(['id', 'user_id', 'name', 'token_prefix', 'created_at', 'expires_at'])
    .executeTakeFirstOrThrow();
  return { ...row, token };
}

export type TokenCheck =
  | { principal: Principal; tokenId: string; expiresAt: Date }
  | { failure: 'invalid_token' | 'revoked_token' | 'expired_token'; email?: string; userId?: string };

/** The API token that hashes to `hash`: its account, or why it is refused (unknown, revoked or its account disabled, expired). */
export async function checkApiToken(db: Kysely<IdentityTables>, hash: string): Promise<TokenCheck> {
  const row = await db
    .selectFrom('api_token')
    .innerJoin('user_account', 'user_account.id', 'api_token.user_id')
    .select([
      'api_token.id as tokenId',
      'api_token.revoked_at',
      'api_token.expires_at',
      'user_account.id',
      'user_account.email',
      'user_account.name',
      'user_account.role',
      'user_account.disabled',
    ])
    .where('api_token.token_hash', '=', hash)
    .executeTakeFirst();
  if (!row) return { failure: 'invalid_token' };
  if (row.revoked_at || row.disabled) return { failure: 'revoked_token', email: row.email, userId: row.id };
  if (new Date(row.expires_at).getTime() <= Date.now()) return { failure: 'expired_token', email: row.email, userId: row.id };
  return {
    principal: { id: row.id, email: row.email, name: row.name, role: row.role, via: 'token' },
    tokenId: row.tokenId,
    expiresAt: new Date(row.expires_at),
  };
}

/** Revokes a token not yet revoked; answers its owner and when, or undefined when there was none to revoke. */
export async function revokeApiToken(db: Kysely<IdentityTables>, id: string): Promise<{ userId: string; revokedAt: Date } | undefined> {
  const revokedAt = new Date();
  const row = await db
    .updateTable('api_token')
    .set({ revoked_at: revokedAt })
    .where('id', '=', id)
    .where('revoked_at', 'is', null)
    .returning('user_id')
    .executeTakeFirst();
  return row && { userId: row.user_id, revokedAt };
}
