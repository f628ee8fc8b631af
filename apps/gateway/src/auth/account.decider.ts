import { create } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { identityV1 } from '@opsledger/contracts';
import { AggregateNotFound, RuleViolation } from '@opsledger/eventstore';
import type { Role } from './identity-tables';

/** One staff or customer account as its events tell it. No password and no hash: those are never in an event. */
export type AccountState =
  { status: 'none' } | { status: 'active' | 'disabled' | 'deleted'; id: string; email: string; name: string; role: Role };

export const initialAccountState = (): AccountState => ({ status: 'none' });

const roleName = (role: identityV1.AccountRole): Role => identityV1.AccountRoleNames[role] ?? 'customer';

export function evolve(state: AccountState, event: identityV1.AccountEvent): AccountState {
  switch (event.$typeName) {
    case 'platform.identity.v1.AccountCreated':
      return { status: 'active', id: event.accountId, email: event.email, name: event.name, role: roleName(event.role) };
    case 'platform.identity.v1.AccountDisabled':
      return state.status === 'none' ? state : { ...state, status: 'disabled' };
    case 'platform.identity.v1.AccountEnabled':
      return state.status === 'none' ? state : { ...state, status: 'active' };
    case 'platform.identity.v1.AccountDeleted':
      return state.status === 'none' ? state : { ...state, status: 'deleted' };
    case 'platform.identity.v1.AccountRoleChanged':
      return state.status === 'none' ? state : { ...state, role: roleName(event.to) };
    case 'platform.identity.v1.AccountRenamed':
      return state.status === 'none' ? state : { ...state, name: event.to };
    case 'platform.identity.v1.AccountPasswordChanged':
      return state;
  }
}

/**
 * What may be asked of an account. `lastActiveAdmin` is the one fact from outside the aggregate: whether this account
 * is the only active admin left (read, under lock, from every account before deciding); the rule itself is here.
 */
export type AccountCommand =
  | { kind: 'CreateAccount'; id: string; email: string; name: string; role: Role; now: Date }
  | { kind: 'DisableAccount'; lastActiveAdmin: boolean; now: Date }
  | { kind: 'EnableAccount'; now: Date }
  | { kind: 'DeleteAccount'; lastActiveAdmin: boolean; now: Date }
  | { kind: 'ChangeRole'; role: Role; lastActiveAdmin: boolean; now: Date }
  | { kind: 'Rename'; name: string; now: Date }
  | { kind: 'ChangePassword'; now: Date };

/** A refused change: the message names the field or the rule. Answered as 409. */
export class AccountRuleViolation extends RuleViolation {}
export class AccountNotFound extends AggregateNotFound {}

/**
 * Rules of an account: created once; a deleted account takes no change; the last active admin cannot be disabled,
 * demoted or deleted (the console would have nobody left to administer it); a change that changes nothing records
 * nothing (disabling a disabled account, the same role, the same name).
 */
export function decide(state: AccountState, command: AccountCommand): identityV1.AccountEvent[] {
  const at = timestampFromDate(command.now);
  if (command.kind === 'CreateAccount') {
    if (state.status !== 'none') throw new AccountRuleViolation(`account ${command.id} already exists`);
    return [
      create(identityV1.AccountCreatedSchema, {
        accountId: command.id,
        email: command.email,
        name: command.name,
        role: identityV1.accountRoleByName[command.role],
        createdAt: at,
      }),
    ];
  }
  if (state.status === 'none' || state.status === 'deleted') throw new AccountNotFound('account not found');
  const accountId = state.id;
  const lastAdmin = (verb: string) => {
    if (state.role === 'admin' && state.status === 'active' && 'lastActiveAdmin' in command && command.lastActiveAdmin) {
      throw new AccountRuleViolation(`last admin: ${state.email} is the only active admin and cannot be ${verb}`);
    }
  };
  switch (command.kind) {
    case 'DisableAccount':
      if (state.status === 'disabled') return [];
      lastAdmin('disabled');
      return [create(identityV1.AccountDisabledSchema, { accountId, disabledAt: at })];
    case 'EnableAccount':
      if (state.status === 'active') return [];
      return [create(identityV1.AccountEnabledSchema, { accountId, enabledAt: at })];
    case 'DeleteAccount':
      lastAdmin('deleted');
      return [
        create(identityV1.AccountDeletedSchema, {
          accountId,
          email: state.email,
          role: identityV1.accountRoleByName[state.role],
          deletedAt: at,
        }),
      ];
    case 'ChangeRole':
      if (state.role === command.role) return [];
      if (command.role !== 'admin') lastAdmin('demoted');
      return [
        create(identityV1.AccountRoleChangedSchema, {
          accountId,
          from: identityV1.accountRoleByName[state.role],
          to: identityV1.accountRoleByName[command.role],
          changedAt: at,
        }),
      ];
    case 'Rename':
      if (state.name === command.name) return [];
      return [create(identityV1.AccountRenamedSchema, { accountId, from: state.name, to: command.name, renamedAt: at })];
    case 'ChangePassword':
      return [create(identityV1.AccountPasswordChangedSchema, { accountId, changedAt: at })];
  }
}

export const accountDecider = { initialState: initialAccountState, evolve, decide };
