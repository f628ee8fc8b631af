import { type Context, identityV1, streamName } from '@opsledger/contracts';
import type { Projection, StoredEvent } from '@opsledger/eventstore';
import type { Transaction } from 'kysely';
import type { AuditChain } from '../chain/chain-store';
import { type KnownActor, recognise } from '../domain/audit-entry';
import { AUDIT_MAPPING } from '../domain/audit-mapping';
import type { ResourceState } from '../domain/diff';
import { auditServiceMigrations, type AuditServiceTables } from './tables';

const ROLE: Record<number, string> = { 1: 'admin', 2: 'customer' };

/**
 * One context's stream into the audit chain, in stream order: each event an
 * actor caused becomes one entry (AUDIT_MAPPING says how), the resources'
 * remembered state moves with every mapped event, and on IDENTITY the
 * accounts' email and role are kept for the entries' actor. The remembered
 * state commits with the checkpoint; the entry is appended before that
 * commit and is deduplicated by its source event id, so a batch replayed
 * after a crash records nothing twice.
 */
export function auditSourceProjection(context: Context, schema: string, deps: { chain: AuditChain }): Projection<AuditServiceTables> {
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
        const actor = event.actor.kind === 'system' ? undefined : await actorOf(trx, event.actor.id);
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

async function actorOf(trx: Transaction<AuditServiceTables>, accountId: string): Promise<KnownActor | undefined> {
  return trx.selectFrom('audit_actor').select(['email', 'role']).where('account_id', '=', accountId).executeTakeFirst();
}

/** The accounts' email and role as IDENTITY says them; a deleted account keeps its row, so older entries still say whom. */
async function rememberAccount(trx: Transaction<AuditServiceTables>, event: StoredEvent) {
  if (event.type === identityV1.AccountCreatedSchema.typeName) {
    const d = event.data as identityV1.AccountCreated;
    const row = { email: d.email, role: ROLE[d.role] ?? 'unspecified' };
    await trx
      .insertInto('audit_actor')
      .values({ account_id: d.accountId, ...row })
      .onConflict((oc) => oc.column('account_id').doUpdateSet(row))
      .execute();
  } else if (event.type === identityV1.AccountRoleChangedSchema.typeName) {
    const d = event.data as identityV1.AccountRoleChanged;
    await trx
      .updateTable('audit_actor')
      .set({ role: ROLE[d.to] ?? 'unspecified' })
      .where('account_id', '=', d.accountId)
      .execute();
  }
}
