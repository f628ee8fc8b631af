import type { AggregateRef } from '@opsledger/contracts';
import { type AppendContext, type EventStore, WrongExpectedVersionError, withConcurrencyRetry } from '@opsledger/eventstore';
import { ConflictError, NotFoundError } from '@opsledger/messaging';
import { create } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { identityV1 } from '@opsledger/contracts';
import { type Kysely, sql, type Transaction } from 'kysely';
import { v7 as uuidv7 } from 'uuid';
import { type AccountCommand, accountDecider, AccountNotFound, AccountRuleViolation, type AccountState } from './account.decider';
import { ApiTokenEvents } from './api-token-events';
import type { IdentityTables, Role, UserRow } from './identity-tables';

/** Who makes a change and through which door (the event's Ops-Actor, Ops-Source and Ops-Correlation-Id). */
export type ChangeContext = AppendContext;

/** A change to an existing account; each field present is one command, in this order. */
export interface AccountChange {
  name?: string;
  role?: Role;
  disabled?: boolean;
  /** Already hashed (argon2id): the hash goes to the table only, never into an event. */
  passwordHash?: string;
}

const ref = (id: string): AggregateRef => ({ context: 'identity', type: 'account', id });
const evolver = {
  initialState: accountDecider.initialState,
  evolve: (s: AccountState, e: { data: unknown }) => accountDecider.evolve(s, e.data as identityV1.AccountEvent),
};

/**
 * Every change to an account, as events on evt.identity.account.<id> that the user_account table then follows.
 *
 * Order of the two writes, inside one Postgres transaction that holds the account lock:
 *   1. load the account's events, decide, append them at the version loaded (optimistic concurrency: another
 *      writer in between makes the append fail and the whole change is decided again on fresh events);
 *   2. only then change the row (and the password hash, which is in no event), and commit.
 * A refused or failed append rolls the transaction back: no row changes without its event. The one gap is a
 * commit that fails after the append: the event stands and the row lags; the next change to that account first
 * brings the row back in line with its events (`catchUp`) — the password hash excepted, which only a new reset sets.
 *
 * One transaction-scoped advisory lock serialises account changes, so the last-admin rule, which reads every
 * account, cannot be raced by two admins demoting each other at once.
 */
export class AccountCommands {
  private readonly tokens: ApiTokenEvents;

  constructor(
    private readonly db: Kysely<IdentityTables>,
    private readonly store: EventStore,
  ) {
    this.tokens = new ApiTokenEvents(store);
  }

  /**
   * Creates an account. With `id` (derived from the request's Idempotency-Key), a retry of the same request answers
   * the account it made (`replayed`); the key used for another request, or for an account since deleted, is a 409.
   */
  async create(
    input: { email: string; name: string; role: Role; passwordHash: string },
    ctx: ChangeContext,
    id = uuidv7(),
  ): Promise<{ account: UserRow; replayed: boolean }> {
    return this.db.transaction().execute(async (trx) => {
      await lockAccounts(trx);
      const earlier = await trx.selectFrom('user_account').selectAll().where('id', '=', id).executeTakeFirst();
      if (earlier) {
        if (earlier.email !== input.email || earlier.name !== input.name || earlier.role !== input.role)
          throw new ConflictError('Idempotency-Key: already used for a different request');
        return { account: earlier, replayed: true };
      }
      if ((await this.store.read(ref(id))).length > 0)
        throw new ConflictError('Idempotency-Key: already used, for an account since deleted');
      const taken = await trx.selectFrom('user_account').select('id').where('email', '=', input.email).executeTakeFirst();
      if (taken) throw new ConflictError(`email: an account with ${input.email} already exists`);
      const now = new Date();
      const events = accountDecider.decide(accountDecider.initialState(), { kind: 'CreateAccount', id, ...input, now });
      await this.store.append(
        ref(id),
        events.map((data) => ({ id: uuidv7(), data, occurredAt: now })),
        0,
        ctx,
      );
      const account = await trx
        .insertInto('user_account')
        .values({ id, email: input.email, name: input.name, role: input.role, password_hash: input.passwordHash, created_at: sql`${now}` })
        .returningAll()
        .executeTakeFirstOrThrow();
      return { account, replayed: false };
    });
  }

  /** Applies the change; answers the account as it is afterwards, and the events it recorded. */
  async change(id: string, change: AccountChange, ctx: ChangeContext): Promise<{ account: UserRow; events: identityV1.AccountEvent[] }> {
    return this.run(
      id,
      ctx,
      (lastActiveAdmin) => {
        const now = new Date();
        const commands: AccountCommand[] = [];
        if (change.name !== undefined) commands.push({ kind: 'Rename', name: change.name, now });
        if (change.role !== undefined) commands.push({ kind: 'ChangeRole', role: change.role, lastActiveAdmin, now });
        if (change.disabled === true) commands.push({ kind: 'DisableAccount', lastActiveAdmin, now });
        if (change.disabled === false) commands.push({ kind: 'EnableAccount', now });
        if (change.passwordHash !== undefined) commands.push({ kind: 'ChangePassword', now });
        return commands;
      },
      change.passwordHash,
    ).then(async ({ events }) => {
      const account = await this.db.selectFrom('user_account').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
      return { account, events };
    });
  }

  async delete(id: string, ctx: ChangeContext): Promise<void> {
    await this.run(id, ctx, (lastActiveAdmin) => [{ kind: 'DeleteAccount', lastActiveAdmin, now: new Date() }]);
  }

  private async run(
    id: string,
    ctx: ChangeContext,
    commandsFor: (lastActiveAdmin: boolean) => AccountCommand[],
    passwordHash?: string,
  ): Promise<{ events: identityV1.AccountEvent[] }> {
    const result = await withConcurrencyRetry(() =>
      this.db.transaction().execute(async (trx) => {
        await lockAccounts(trx);
        const row = await trx.selectFrom('user_account').selectAll().where('id', '=', id).executeTakeFirst();
        let { state, version } = await this.store.load(ref(id), evolver);
        if (state.status === 'none' && row) ({ state, version } = await this.adopt(row));
        // A deletion whose commit was lost: its tokens' revocations are recorded now, by the system that finishes it.
        if (state.status === 'deleted') await this.revokeTokens(trx, id, { actor: { kind: 'system', id: 'gateway' }, source: 'system' });
        await catchUp(trx, id, state);
        // Answered after the commit, so that a catch-up (a row left behind its AccountDeleted) is kept.
        if (state.status === 'none' || state.status === 'deleted') return { events: [], notFound: true };
        const admins = await trx
          .selectFrom('user_account')
          .select('id')
          .where('role', '=', 'admin')
          .where('disabled', '=', false)
          .execute();
        const lastActiveAdmin = admins.length === 1 && admins[0]!.id === id;
        const decided: identityV1.AccountEvent[] = [];
        try {
          for (const command of commandsFor(lastActiveAdmin)) {
            const events = accountDecider.decide(state, command);
            state = events.reduce(accountDecider.evolve, state);
            decided.push(...events);
          }
        } catch (error) {
          if (error instanceof AccountRuleViolation) throw new ConflictError(error.message);
          if (error instanceof AccountNotFound) throw new NotFoundError(`user ${id} not found`);
          throw error;
        }
        if (decided.length === 0) return { events: decided };
        const at = new Date();
        await this.store.append(
          ref(id),
          decided.map((data) => ({ id: uuidv7(), data, occurredAt: at })),
          version,
          ctx,
        );
        if (decided.some((e) => e.$typeName === identityV1.AccountDeletedSchema.typeName)) await this.revokeTokens(trx, id, ctx, at);
        for (const event of decided) await applyToRow(trx, id, event, passwordHash);
        return { events: decided };
      }),
    );
    if ('notFound' in result) throw new NotFoundError(`user ${id} not found`);
    return result;
  }

  /**
   * A deleted account's live API tokens (neither revoked nor expired) each get ApiTokenRevoked, by whoever deleted
   * the account, in the transaction that deletes the row (and with it the tokens' rows), so each token's history
   * says why it stopped working. Decided from the token rows, read under the account lock.
   */
  private async revokeTokens(trx: Transaction<IdentityTables>, accountId: string, ctx: ChangeContext, at = new Date()): Promise<void> {
    const live = await trx
      .selectFrom('api_token')
      .select('id')
      .where('user_id', '=', accountId)
      .where('revoked_at', 'is', null)
      .where('expires_at', '>', at)
      .orderBy('id')
      .execute();
    for (const { id } of live) {
      await this.tokens.revokedBy({ id, userId: accountId, revokedBy: ctx.actor.id, revokedAt: at }, ctx);
      await trx.updateTable('api_token').set({ revoked_at: at }).where('id', '=', id).execute();
    }
  }

  /**
   * Records AccountCreated (by the system) for every account that has a row and no events yet: the first-look seeded
   * admin, accounts made before accounts were events. Run at the gateway's start, so every entry such an account
   * causes can name its email and role without waiting for the account's first change. Idempotent and safe with
   * several replicas starting at once: the candidates are found without the lock, then adopted under it, each only
   * if it still has no events (and `adopt` itself tolerates a concurrent adoption). Answers how many it adopted.
   */
  async adoptAll(): Promise<number> {
    const rows = await this.db.selectFrom('user_account').select('id').execute();
    const candidates: string[] = [];
    for (const { id } of rows) if ((await this.store.version(ref(id))) === 0) candidates.push(id);
    if (candidates.length === 0) return 0;
    return this.db.transaction().execute(async (trx) => {
      await lockAccounts(trx);
      let adopted = 0;
      for (const id of candidates) {
        const row = await trx.selectFrom('user_account').selectAll().where('id', '=', id).executeTakeFirst();
        if (!row || (await this.store.version(ref(id))) > 0) continue;
        await this.adopt(row);
        adopted++;
      }
      return adopted;
    });
  }

  /**
   * An account made before accounts were events (or by the gateway-alone test seed) has a row and no events: its
   * AccountCreated is recorded first, by the system, from the row, so its later changes have a history to follow.
   */
  private async adopt(row: UserRow): Promise<{ state: AccountState; version: number }> {
    const createdAt = row.created_at instanceof Date ? row.created_at : new Date(String(row.created_at));
    const data = create(identityV1.AccountCreatedSchema, {
      accountId: row.id,
      email: row.email,
      name: row.name,
      role: identityV1.accountRoleByName[row.role],
      createdAt: timestampFromDate(createdAt),
    });
    try {
      // A concurrent adoption of the same row makes this append fail its version check: the events are then read back.
      await this.store.append(ref(row.id), [{ id: uuidv7(), data, occurredAt: createdAt }], 0, {
        actor: { kind: 'system', id: 'gateway' },
        source: 'system',
      });
    } catch (error) {
      if (!(error instanceof WrongExpectedVersionError)) throw error;
    }
    return this.store.load(ref(row.id), evolver);
  }
}

/** Serialises account changes (all replicas: the lock is in Postgres), for as long as the transaction runs. */
async function lockAccounts(trx: Transaction<IdentityTables>): Promise<void> {
  await sql`select pg_advisory_xact_lock(hashtext('opsledger.identity.user_account'))`.execute(trx);
}

/** The row follows the event. Disabling, deleting and a password reset end the account's sessions at once. */
async function applyToRow(trx: Transaction<IdentityTables>, id: string, event: identityV1.AccountEvent, passwordHash?: string) {
  const row = trx.updateTable('user_account').where('id', '=', id);
  switch (event.$typeName) {
    case 'platform.identity.v1.AccountDisabled':
      await row.set({ disabled: true }).execute();
      await trx.deleteFrom('session').where('user_id', '=', id).execute();
      return;
    case 'platform.identity.v1.AccountEnabled':
      await row.set({ disabled: false }).execute();
      return;
    case 'platform.identity.v1.AccountDeleted':
      // Sessions and API tokens go with the row (ON DELETE CASCADE): the next request with either is a 401.
      await trx.deleteFrom('user_account').where('id', '=', id).execute();
      return;
    case 'platform.identity.v1.AccountRoleChanged':
      await row.set({ role: identityV1.AccountRoleNames[event.to] ?? 'customer' }).execute();
      return;
    case 'platform.identity.v1.AccountRenamed':
      await row.set({ name: event.to }).execute();
      return;
    case 'platform.identity.v1.AccountPasswordChanged':
      if (!passwordHash) throw new Error('a password change needs the new hash');
      await row.set({ password_hash: passwordHash }).execute();
      await trx.deleteFrom('session').where('user_id', '=', id).execute();
      return;
    case 'platform.identity.v1.AccountCreated':
      return;
  }
}

/** Brings a row that lags its events (a commit lost after an append) back in line: the events are the account's truth. */
async function catchUp(trx: Transaction<IdentityTables>, id: string, state: AccountState): Promise<void> {
  if (state.status === 'none') return;
  if (state.status === 'deleted') {
    await trx.deleteFrom('user_account').where('id', '=', id).execute();
    return;
  }
  await trx
    .updateTable('user_account')
    .set({ name: state.name, role: state.role, disabled: state.status === 'disabled' })
    .where('id', '=', id)
    .where((eb) => eb.or([eb('name', '!=', state.name), eb('role', '!=', state.role), eb('disabled', '!=', state.status === 'disabled')]))
    .execute();
}

export { AccountRuleViolation };
