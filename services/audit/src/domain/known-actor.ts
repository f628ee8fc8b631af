import { identityV1 } from '@opsledger/contracts';
import type { StoredEvent } from '@opsledger/eventstore';
import type { KnownActor } from './audit-entry';

/** An account's role as the entries name it. */
export const roleName = (role: identityV1.AccountRole): string => ({ 1: 'admin', 2: 'customer' })[role as number] ?? 'unspecified';

/**
 * Pure: the account's email and role as its own IDENTITY events tell them at `at` (those that occurred later do not
 * count: an entry names its actor as they were when they acted); undefined when none says it was created by then.
 */
export function actorAsOf(events: readonly Pick<StoredEvent, 'type' | 'data' | 'occurredAt'>[], at: Date): KnownActor | undefined {
  let actor: KnownActor | undefined;
  for (const event of events) {
    if (event.occurredAt.getTime() > at.getTime()) continue;
    if (event.type === identityV1.AccountCreatedSchema.typeName) {
      const d = event.data as identityV1.AccountCreated;
      actor = { email: d.email, role: roleName(d.role) };
    } else if (event.type === identityV1.AccountRoleChangedSchema.typeName && actor) {
      actor = { ...actor, role: roleName((event.data as identityV1.AccountRoleChanged).to) };
    }
  }
  return actor;
}
