import { create } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { identityV1 } from '@opsledger/contracts';
import type { ActorRef, EventSource, EventStore } from '@opsledger/eventstore';
import { v7 as uuidv7 } from 'uuid';
import type { UserRow } from './identity-tables';

/** Who created an account and through which door: the CLI or the first-look seed today (the Team page later). */
export interface AccountCreatedBy {
  actor: ActorRef;
  source: EventSource;
}

/**
 * Publishes AccountCreated on the IDENTITY stream (evt.identity.account.<id>),
 * for the contexts that need an account's address (the email service's
 * user.welcome and task.failed). Until identity is event-sourced (#11) the
 * gateway's table is the account's home and this event follows it.
 */
export class AccountEvents {
  constructor(
    private readonly store: EventStore,
    private readonly by: AccountCreatedBy,
  ) {}

  async created(account: UserRow): Promise<void> {
    const at = account.created_at instanceof Date ? account.created_at : new Date();
    const data = create(identityV1.AccountCreatedSchema, {
      accountId: account.id,
      email: account.email,
      name: account.name,
      role: identityV1.accountRoleByName[account.role],
      createdAt: timestampFromDate(at),
    });
    await this.store.append({ context: 'identity', type: 'account', id: account.id }, [{ id: uuidv7(), data, occurredAt: at }], 0, this.by);
  }
}
