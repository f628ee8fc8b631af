import type { Kysely } from 'kysely';
import { v7 as uuidv7 } from 'uuid';
import { z } from 'zod';
import { AccountCommands } from './account-commands';
import type { AccountEvents } from './account-events';
import type { IdentityTables, Role, UserRow } from './identity-tables';
import { hashPassword } from './secrets';

/** The password policy, one place: the CLI, the seed and the Team page's create and reset all check it. */
export const passwordSchema = z
  .string('is required')
  .min(12, { error: 'must be at least 12 characters', abort: true })
  .max(1024, { error: 'must be at most 1024 characters', abort: true })
  .refine((p) => p.trim().length >= 12, 'must have at least 12 characters that are not spaces');

export const newAccountSchema = z.object({
  email: z.email('must be an email address').transform((e) => e.toLowerCase()),
  name: z.string().trim().min(1, 'is required').max(200),
  role: z.enum(['admin', 'customer'], 'must be admin or customer'),
  password: passwordSchema,
});
export type NewAccount = z.input<typeof newAccountSchema>;

/**
 * Creates an account; with `events`, through AccountCommands: its AccountCreated is appended before the row
 * commits, so an account whose event could not be stored is not created either (a retry creates it whole), and an
 * email already taken is a ConflictError naming the field. Without `events` (tests of the gateway alone) only the
 * row is written (its AccountCreated is recorded by the system at its first change).
 */
export async function createAccount(db: Kysely<IdentityTables>, input: NewAccount, events?: AccountEvents): Promise<UserRow> {
  const account = newAccountSchema.parse(input);
  const passwordHash = await hashPassword(account.password);
  if (events) {
    const { account: row } = await new AccountCommands(db, events.store).create(
      { email: account.email, name: account.name, role: account.role, passwordHash },
      events.by,
    );
    return row;
  }
  return db.transaction().execute(async (trx) => {
    const row = await trx
      .insertInto('user_account')
      .values({ id: uuidv7(), email: account.email, name: account.name, role: account.role as Role, password_hash: passwordHash })
      .returningAll()
      .executeTakeFirstOrThrow();
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
