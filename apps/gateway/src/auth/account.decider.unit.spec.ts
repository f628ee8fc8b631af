import { create } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { identityV1 } from '@opsledger/contracts';
import { deciderSpec } from '@opsledger/testing/decider-spec';
import { describe, it } from 'vitest';
import { type AccountCommand, accountDecider, AccountNotFound, AccountRuleViolation, type AccountState } from './account.decider';

const now = new Date('2026-11-23T12:00:00Z');
const at = timestampFromDate(now);
const spec = deciderSpec<AccountState, AccountCommand, identityV1.AccountEvent>(accountDecider);
const { ADMIN, CUSTOMER } = identityV1.AccountRole;

const adminCreated = create(identityV1.AccountCreatedSchema, {
  accountId: 'a1',
  email: 'ada@example.test',
  name: 'Ada',
  role: ADMIN,
  createdAt: at,
});
const customerCreated = create(identityV1.AccountCreatedSchema, {
  accountId: 'a1',
  email: 'ada@example.test',
  name: 'Ada',
  role: CUSTOMER,
  createdAt: at,
});
const disabled = create(identityV1.AccountDisabledSchema, { accountId: 'a1', disabledAt: at });
const enabled = create(identityV1.AccountEnabledSchema, { accountId: 'a1', enabledAt: at });
const deleted = create(identityV1.AccountDeletedSchema, { accountId: 'a1', email: 'ada@example.test', role: ADMIN, deletedAt: at });
const demoted = create(identityV1.AccountRoleChangedSchema, { accountId: 'a1', from: ADMIN, to: CUSTOMER, changedAt: at });
const promoted = create(identityV1.AccountRoleChangedSchema, { accountId: 'a1', from: CUSTOMER, to: ADMIN, changedAt: at });

describe('account decider', () => {
  it('creates an account once', () => {
    spec([]).when({ kind: 'CreateAccount', id: 'a1', email: 'ada@example.test', name: 'Ada', role: 'admin', now }).then([adminCreated]);
    spec([adminCreated])
      .when({ kind: 'CreateAccount', id: 'a1', email: 'ada@example.test', name: 'Ada', role: 'admin', now })
      .thenThrows(AccountRuleViolation, /already exists/);
  });

  it('disables and enables; doing it twice records nothing', () => {
    spec([adminCreated]).when({ kind: 'DisableAccount', lastActiveAdmin: false, now }).then([disabled]);
    spec([adminCreated, disabled]).when({ kind: 'DisableAccount', lastActiveAdmin: false, now }).then([]);
    spec([adminCreated, disabled]).when({ kind: 'EnableAccount', now }).then([enabled]);
    spec([adminCreated]).when({ kind: 'EnableAccount', now }).then([]);
  });

  it('the last active admin cannot be disabled, demoted or deleted', () => {
    spec([adminCreated])
      .when({ kind: 'DisableAccount', lastActiveAdmin: true, now })
      .thenThrows(AccountRuleViolation, /last admin.*disabled/);
    spec([adminCreated])
      .when({ kind: 'ChangeRole', role: 'customer', lastActiveAdmin: true, now })
      .thenThrows(AccountRuleViolation, /last admin.*demoted/);
    spec([adminCreated])
      .when({ kind: 'DeleteAccount', lastActiveAdmin: true, now })
      .thenThrows(AccountRuleViolation, /last admin.*deleted/);
  });

  it('another admin, a disabled admin or a customer may be disabled, demoted or deleted', () => {
    spec([adminCreated]).when({ kind: 'ChangeRole', role: 'customer', lastActiveAdmin: false, now }).then([demoted]);
    spec([adminCreated, disabled])
      .when({ kind: 'DeleteAccount', lastActiveAdmin: true, now })
      .then([{ ...deleted }]);
    spec([customerCreated])
      .when({ kind: 'DeleteAccount', lastActiveAdmin: true, now })
      .then([create(identityV1.AccountDeletedSchema, { accountId: 'a1', email: 'ada@example.test', role: CUSTOMER, deletedAt: at })]);
  });

  it('changes the role and name; the same value records nothing', () => {
    spec([customerCreated]).when({ kind: 'ChangeRole', role: 'admin', lastActiveAdmin: false, now }).then([promoted]);
    spec([adminCreated]).when({ kind: 'ChangeRole', role: 'admin', lastActiveAdmin: true, now }).then([]);
    spec([adminCreated])
      .when({ kind: 'Rename', name: 'Ada L.', now })
      .then([create(identityV1.AccountRenamedSchema, { accountId: 'a1', from: 'Ada', to: 'Ada L.', renamedAt: at })]);
    spec([adminCreated]).when({ kind: 'Rename', name: 'Ada', now }).then([]);
  });

  it('records a password change without the password or its hash', () => {
    spec([adminCreated])
      .when({ kind: 'ChangePassword', now })
      .then([create(identityV1.AccountPasswordChangedSchema, { accountId: 'a1', changedAt: at })]);
  });

  it('a deleted or unknown account takes no change', () => {
    spec([adminCreated, deleted]).when({ kind: 'EnableAccount', now }).thenThrows(AccountNotFound);
    spec([adminCreated, deleted]).when({ kind: 'ChangePassword', now }).thenThrows(AccountNotFound);
    spec([]).when({ kind: 'Rename', name: 'x', now }).thenThrows(AccountNotFound);
  });
});
