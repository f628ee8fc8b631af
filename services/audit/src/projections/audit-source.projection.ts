import { type Context, identityV1, streamName } from '@opsledger/contracts';
import type { EventStore, Projection, StoredEvent } from '@opsledger/eventstore';
import type { Transaction } from 'kysely';
import type { AuditChain } from '../chain/chain-store';
import { type KnownActor, recognise } from '../domain/audit-entry';
import { AUDIT_MAPPING } from '../domain/audit-mapping';
import { actorAsOf, roleName } from '../domain/known-actor';
import type { ResourceState } from '../domain/diff';
import { auditServiceMigrations, type AuditServiceTables } from './tables';

/**
 * One context's stream into the audit chain, in stream order: each event an
 * actor caused becomes one entry (AUDIT_MAPPING says how), the resources'
 * remembered state moves with every mapped event, and on IDENTITY the
 * accounts' email and role are kept for the entries' actor. The remembered
 * state commits with the checkpoint; the entry is appended before that
 * commit and is deduplicated by its source event id, so a batch replayed
 * after a crash records nothing twice.
 */
export function auditSourceProjection(
  context: Context,
  schema: string,
  deps: { chain: AuditChain; store: EventStore },
): Projection<AuditServiceTables> {
  const stream = streamName(context);
  return {
    name: `audit-source-${context}`,
    context,
    schema,
    migrations: auditServiceMigrations,
    // A rebuild replays the stream: the chain's dedupe keeps it from recording again.
    tables: [],
    async apply(trx, events) {
      for (const event of events) {
        if (context === 'identity') await rememberAccount(trx, event);
        const row = AUDIT_MAPPING.get(event.type);
        const resourceKey = row?.resourceType && row.resourceId ? `${row.resourceType}/${row.resourceId(event.data as never)}` : undefined;
        const previous = resourceKey ? await stateOf(trx, resourceKey) : undefined;
        const actor = event.actor.kind === 'system' ? undefined : await actorOf(trx, deps.store, event);
        const clientIp = event.clientIp;
        const { draft, resource } = recognise(event, row, {
          stream,
          ...(previous ? { previous } : {}),
          ...(actor ? { actor } : {}),
          ...(clientIp ? { clientIp } : {}),
        });
        if (resource)
          await trx
            .insertInto('audit_resource_state')
            .values({ resource_key: resource.key, state: JSON.stringify(resource.state) })
            .onConflict((oc) => oc.column('resource_key').doUpdateSet({ state: JSON.stringify(resource.state) }))
            .execute();
        if (draft) await deps.chain.record(draft);
      }
    },
  };
}

async function stateOf(trx: Transaction<AuditServiceTables>, key: string): Promise<ResourceState | undefined> {
  const row = await trx.selectFrom('audit_resource_state').select('state').where('resource_key', '=', key).executeTakeFirst();
  return row?.state as ResourceState | undefined;
}

/**
 * The actor's email and role: from `audit_actor`, or, when IDENTITY's projection has not got to the account yet
 * (each stream is consumed on its own, so a task event can come before its actor's AccountCreated), from the
 * account's own events on IDENTITY, those that occurred by the time of this event; then remembered. A row the
 * IDENTITY projection writes meanwhile wins (do nothing on conflict), and its later events still update it.
 */
async function actorOf(trx: Transaction<AuditServiceTables>, store: EventStore, event: StoredEvent): Promise<KnownActor | undefined> {
  const accountId = event.actor.id;
  const known = await trx.selectFrom('audit_actor').select(['email', 'role']).where('account_id', '=', accountId).executeTakeFirst();
  if (known) return known;
  const told = await actorFromIdentity(store, accountId, event.occurredAt);
  if (!told) return undefined;
  await trx
    .insertInto('audit_actor')
    .values({ account_id: accountId, ...told })
    .onConflict((oc) => oc.column('account_id').doNothing())
    .execute();
  return told;
}

/** The account as its IDENTITY events up to `at` tell it; undefined when none says it was created by then. */
async function actorFromIdentity(store: EventStore, accountId: string, at: Date): Promise<KnownActor | undefined> {
  // An id that is no subject token (a program's name, say) is no account: nothing to read.
  if (!SUBJECT_TOKEN.test(accountId)) return undefined;
  const events = await store.read({ context: 'identity', type: 'account', id: accountId });
  return actorAsOf(events, at);
}

const SUBJECT_TOKEN = /^[A-Za-z0-9_-]+$/;

/** The accounts' email and role as IDENTITY says them; a deleted account keeps its row, so older entries still say whom. */
async function rememberAccount(trx: Transaction<AuditServiceTables>, event: StoredEvent) {
  if (event.type === identityV1.AccountCreatedSchema.typeName) {
    const d = event.data as identityV1.AccountCreated;
    const row = { email: d.email, role: roleName(d.role) };
    await trx
      .insertInto('audit_actor')
      .values({ account_id: d.accountId, ...row })
      .onConflict((oc) => oc.column('account_id').doUpdateSet(row))
      .execute();
  } else if (event.type === identityV1.AccountRoleChangedSchema.typeName) {
    const d = event.data as identityV1.AccountRoleChanged;
    await trx
      .updateTable('audit_actor')
      .set({ role: roleName(d.to) })
      .where('account_id', '=', d.accountId)
      .execute();
  }
}
