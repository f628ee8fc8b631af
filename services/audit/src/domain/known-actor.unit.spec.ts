import { create } from '@bufbuild/protobuf';
import { identityV1 } from '@opsledger/contracts';
import type { StoredEvent } from '@opsledger/eventstore';
import { describe, expect, it } from 'vitest';
import type { KnownActor } from './audit-entry';
import { actorAsOf } from './known-actor';

type Event = Pick<StoredEvent, 'type' | 'data' | 'occurredAt'>;
const T = (minute: number) => new Date(Date.UTC(2026, 10, 23, 12, minute));
const created = (minute: number, role = identityV1.AccountRole.ADMIN): Event => ({
  type: identityV1.AccountCreatedSchema.typeName,
  data: create(identityV1.AccountCreatedSchema, { accountId: 'a-1', email: 'ada@example.test', role }),
  occurredAt: T(minute),
});
const roleChanged = (minute: number, to: identityV1.AccountRole): Event => ({
  type: identityV1.AccountRoleChangedSchema.typeName,
  data: create(identityV1.AccountRoleChangedSchema, { accountId: 'a-1', to }),
  occurredAt: T(minute),
});
const other = (minute: number): Event => ({
  type: identityV1.AccountRenamedSchema.typeName,
  data: create(identityV1.AccountRenamedSchema, { accountId: 'a-1', to: 'A' }),
  occurredAt: T(minute),
});

describe('the actor as of an entry’s event, from the account’s IDENTITY events', () => {
  it.each<[string, Event[], number, KnownActor | undefined]>([
    ['no events: not known', [], 10, undefined],
    ['created before: its email and role', [created(1)], 10, { email: 'ada@example.test', role: 'admin' }],
    ['created at the same time: counts', [created(10)], 10, { email: 'ada@example.test', role: 'admin' }],
    ['created after the event: not known yet', [created(11)], 10, undefined],
    [
      'a role change before: the new role',
      [created(1), roleChanged(5, identityV1.AccountRole.CUSTOMER)],
      10,
      { email: 'ada@example.test', role: 'customer' },
    ],
    [
      'a role change after: the role at the time',
      [created(1), roleChanged(15, identityV1.AccountRole.CUSTOMER)],
      10,
      { email: 'ada@example.test', role: 'admin' },
    ],
    ['other events change neither', [created(1), other(2)], 10, { email: 'ada@example.test', role: 'admin' }],
    ['a role change without a creation: not known', [roleChanged(1, identityV1.AccountRole.ADMIN)], 10, undefined],
    [
      'an unspecified role says so',
      [created(1, identityV1.AccountRole.UNSPECIFIED)],
      10,
      { email: 'ada@example.test', role: 'unspecified' },
    ],
  ])('%s', (_, events, at, expected) => expect(actorAsOf(events, T(at))).toEqual(expected));
});
