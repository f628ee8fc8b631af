import type { Generated, Timestamp } from '@opsledger/db';
import type { Insertable, Selectable } from 'kysely';

export type Role = 'admin' | 'customer';

/** Staff (`admin`) and customer accounts. `email` is stored lower-cased. */
export interface UserAccountTable {
  id: string;
  email: string;
  name: string;
  role: Role;
  password_hash: string;
  disabled: Generated<boolean>;
  created_at: Generated<Timestamp>;
}

/** A signed-in browser. Only the SHA-256 of the cookie's token is stored. */
export interface SessionTable {
  token_hash: string;
  user_id: string;
  created_at: Generated<Timestamp>;
  expires_at: Timestamp;
  ip: string;
  user_agent: string;
}

/** A token for programs (`Authorization: Bearer …`), shown once at creation, stored hashed. */
export interface ApiTokenTable {
  id: string;
  user_id: string;
  name: string;
  token_hash: string;
  /** The first characters, so an operator can tell tokens apart without seeing one. */
  token_prefix: string;
  created_at: Generated<Timestamp>;
  created_by: string;
  last_used_at: Timestamp | null;
  revoked_at: Timestamp | null;
  /** After this the token signs nothing in (at most 365 days after its creation). */
  expires_at: Timestamp;
}

/** Recent failed sign-ins, keyed `account:<email>` and `ip:<address>`, for rate limiting across replicas. */
export interface LoginFailureTable {
  id: Generated<number>;
  key: string;
  at: Timestamp;
}

export interface IdentityTables {
  user_account: UserAccountTable;
  session: SessionTable;
  api_token: ApiTokenTable;
  login_failure: LoginFailureTable;
}

export type UserRow = Selectable<UserAccountTable>;
export type NewUserRow = Insertable<UserAccountTable>;
export type ApiTokenRow = Selectable<ApiTokenTable>;
