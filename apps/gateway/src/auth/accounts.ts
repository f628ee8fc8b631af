import type { Kysely } from 'kysely';
import { v7 as uuidv7 } from 'uuid';
import { z } from 'zod';
import type { AccountEvents } from './account-events';
import type { IdentityTables, Role, UserRow } from './identity-tables';
import { hashPassword } from './secrets';

export const newAccountSchema = z.object({
  email: z.email('must be an email address').transform((e) => e.toLowerCase()),
  name: z.string().trim().min(1, 'is required').max(200),
  role: z.enum(['admin', 'customer']),
  password: z.string().min(12, 'must be at least 12 characters').max(1024),
});
export type NewAccount = z.input<typeof newAccountSchema>;

/**
 * Creates an account; with `events`, its AccountCreated is published before
 * the row commits, so an account whose event could not be stored is not
 * created either (a retry creates it whole). Without `events` (tests of the
 * gateway alone) only the row is written.
 */
export async function createAccount(db: Kysely<IdentityTables>, input: NewAccount, events?: AccountEvents): Promise<UserRow> {
  const account = newAccountSchema.parse(input);
  const passwordHash = await hashPassword(account.password);
  return db.transaction().execute(async (trx) => {
    const row = await trx
      .insertInto('user_account')
      .values({ id: uuidv7(), email: account.email, name: account.name, role: account.role as Role, password_hash: passwordHash })
      .returningAll()
      .executeTakeFirstOrThrow();
    await events?.created(row);
    return row;
  });
}

/** Creates the account unless one with that email exists (first-start seeding). */
export async function ensureAccount(db: Kysely<IdentityTables>, input: NewAccount, events?: AccountEvents): Promise<UserRow> {
  const existing = await findAccountByEmail(db, input.email);
  return existing ?? createAccount(db, input, events);
}

export function findAccountByEmail(db: Kysely<IdentityTables>, email: string): Promise<UserRow | undefined> {
  return db.selectFrom('user_account').selectAll().where('email', '=', email.toLowerCase()).executeTakeFirst();
}
