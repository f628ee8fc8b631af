import { timestampDate } from '@bufbuild/protobuf/wkt';
import { provisioningV1 } from '@opsledger/contracts';
import { createTrigramExtension, createTrigramIndex, type Migrations, type Timestamp } from '@opsledger/db';
import type { Projection, StoredEvent } from '@opsledger/eventstore';
import type { Kysely, Selectable, Transaction } from 'kysely';

/** A hosting account as the Service page shows it. */
export interface ServiceTable {
  id: string;
  domain: string;
  client_name: string;
  username: string;
  package: string;
  panel_server_id: string;
  /** Where the client's notices go; null: none given. */
  client_email: string | null;
  state: 'pending' | 'active' | 'suspended' | 'terminated';
  /** The action running now, if any: the console disables the buttons meanwhile. */
  running_action: string | null;
  running_dispatch_id: string | null;
  last_action: string | null;
  last_outcome: 'succeeded' | 'failed' | null;
  last_diagnosis: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

/** A hosting panel; its API token is never projected (it exists only sealed, in the service's events). */
export interface PanelServerTable {
  id: string;
  name: string;
  api_url: string;
  tls_verify: boolean;
  timeout_ms: number;
  created_at: Timestamp;
}

export interface ServicesReadModel {
  service: ServiceTable;
  panel_server: PanelServerTable;
}
export type ServiceRow = Selectable<ServiceTable>;
export type PanelServerRow = Selectable<PanelServerTable>;

const migrations: Migrations = {
  '20261122T0100_create_service_and_panel_server': {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('service')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('domain', 'text', (c) => c.notNull())
        .addColumn('client_name', 'text', (c) => c.notNull())
        .addColumn('username', 'text', (c) => c.notNull())
        .addColumn('package', 'text', (c) => c.notNull())
        .addColumn('panel_server_id', 'text', (c) => c.notNull())
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('running_action', 'text')
        .addColumn('running_dispatch_id', 'text')
        .addColumn('last_action', 'text')
        .addColumn('last_outcome', 'text')
        .addColumn('last_diagnosis', 'text')
        .addColumn('created_at', 'timestamptz', (c) => c.notNull())
        .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('service_created').on('service').columns(['created_at desc', 'id desc']).execute();
      await db.schema
        .createTable('panel_server')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('api_url', 'text', (c) => c.notNull())
        .addColumn('tls_verify', 'boolean', (c) => c.notNull())
        .addColumn('timeout_ms', 'integer', (c) => c.notNull())
        .addColumn('created_at', 'timestamptz', (c) => c.notNull())
        .execute();
    },
  },
  '20261124T0900_add_service_client_email': {
    async up(db: Kysely<any>) {
      await db.schema.alterTable('service').addColumn('client_email', 'text').execute();
    },
  },
  // One index per filter and sort of the Services page, each ending in the list's order (created_at, id).
  '20261124T1200_service_list_indexes': {
    async up(db: Kysely<any>) {
      for (const column of ['state', 'panel_server_id', 'domain', 'updated_at'])
        await db.schema.createIndex(`service_${column}_created`).on('service').columns([column, 'created_at', 'id']).execute();
    },
  },
  // The page's search (a substring of the domain, client or username) read every service: one trigram index per column,
  // which the search's OR of ILIKEs reads as one bitmap.
  '20261125T0200_service_search_trigrams': {
    async up(db: Kysely<any>) {
      await createTrigramExtension(db);
      for (const column of ['domain', 'client_name', 'username']) await createTrigramIndex(db, `service_${column}_trgm`, 'service', column);
    },
  },
};

const at = (e: StoredEvent, t: { at?: Parameters<typeof timestampDate>[0] }) => (t.at ? timestampDate(t.at) : e.occurredAt);

/** Services and panel servers for their pages; events applied in stream order, each idempotent on replay. */
export function servicesProjection(schema: string): Projection<ServicesReadModel> {
  return {
    name: 'provisioning-services',
    context: 'provisioning',
    schema,
    migrations,
    tables: ['service', 'panel_server'],
    async apply(trx, events) {
      for (const event of events) await applyOne(trx, event);
    },
  };
}

async function applyOne(trx: Transaction<ServicesReadModel>, event: StoredEvent) {
  const data = event.data as { $typeName: string };
  switch (data.$typeName) {
    case provisioningV1.PanelServerRegisteredSchema.typeName: {
      const p = data as provisioningV1.PanelServerRegistered;
      await trx
        .insertInto('panel_server')
        .values({
          id: p.panelServerId,
          name: p.name,
          api_url: p.apiUrl,
          tls_verify: p.tlsVerify,
          timeout_ms: p.timeoutMs,
          created_at: at(event, p),
        })
        .onConflict((oc) => oc.column('id').doNothing())
        .execute();
      return;
    }
    case provisioningV1.ServiceRegisteredSchema.typeName: {
      const s = data as provisioningV1.ServiceRegistered;
      const when = at(event, s);
      await trx
        .insertInto('service')
        .values({
          id: s.serviceId,
          domain: s.domain,
          client_name: s.clientName,
          client_email: s.clientEmail || null,
          username: s.username,
          package: s.package,
          panel_server_id: s.panelServerId,
          state: 'pending',
          running_action: null,
          running_dispatch_id: null,
          last_action: null,
          last_outcome: null,
          last_diagnosis: null,
          created_at: when,
          updated_at: when,
        })
        .onConflict((oc) => oc.column('id').doNothing())
        .execute();
      return;
    }
    case provisioningV1.ActionDispatchedSchema.typeName: {
      const d = data as provisioningV1.ActionDispatched;
      await trx
        .updateTable('service')
        .set({
          running_action: provisioningV1.ProvisioningActionNames[d.action] ?? null,
          running_dispatch_id: d.dispatchId,
          updated_at: at(event, d),
        })
        .where('id', '=', d.serviceId)
        .execute();
      return;
    }
    case provisioningV1.ActionSucceededSchema.typeName: {
      const s = data as provisioningV1.ActionSucceeded;
      await trx
        .updateTable('service')
        .set({
          state: provisioningV1.ServiceStateNames[s.state] ?? 'pending',
          running_action: null,
          running_dispatch_id: null,
          last_action: provisioningV1.ProvisioningActionNames[s.action] ?? null,
          last_outcome: 'succeeded',
          last_diagnosis: null,
          updated_at: at(event, s),
        })
        .where('id', '=', s.serviceId)
        .execute();
      return;
    }
    case provisioningV1.ActionFailedSchema.typeName: {
      const f = data as provisioningV1.ActionFailed;
      await trx
        .updateTable('service')
        .set({
          running_action: null,
          running_dispatch_id: null,
          last_action: provisioningV1.ProvisioningActionNames[f.action] ?? null,
          last_outcome: 'failed',
          last_diagnosis: f.diagnosis,
          updated_at: at(event, f),
        })
        .where('id', '=', f.serviceId)
        .execute();
      return;
    }
  }
}
