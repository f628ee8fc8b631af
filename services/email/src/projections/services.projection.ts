import { timestampDate } from '@bufbuild/protobuf/wkt';
import { provisioningV1 } from '@opsledger/contracts';
import type { Migrations } from '@opsledger/db';
import type { Projection } from '@opsledger/eventstore';
import type { Kysely } from 'kysely';
import { emailTime, type ReactionDeps, sendFor } from './reactions';

/** Hosting accounts with their client's address: where instance.suspended goes. */
export interface ServicesTables {
  service: { id: string; domain: string; username: string; client_name: string; client_email: string };
}

const migrations: Migrations = {
  '20261124T1000_create_service': {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('service')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('domain', 'text', (c) => c.notNull())
        .addColumn('username', 'text', (c) => c.notNull())
        .addColumn('client_name', 'text', (c) => c.notNull())
        .addColumn('client_email', 'text', (c) => c.notNull())
        .execute();
    },
  },
};

/**
 * The email service's lookup of hosting accounts, fed by PROVISIONING: when a
 * suspend succeeds, the client gets instance.suspended (a service registered
 * without a client email gets none, and the log says why).
 */
export function servicesProjection(schema: string, deps: ReactionDeps): Projection<ServicesTables> {
  return {
    name: 'email-services',
    context: 'provisioning',
    schema,
    migrations,
    tables: ['service'],
    async apply(trx, events) {
      for (const event of events) {
        if (event.type === provisioningV1.ServiceRegisteredSchema.typeName) {
          const s = event.data as provisioningV1.ServiceRegistered;
          await trx
            .insertInto('service')
            .values({ id: s.serviceId, domain: s.domain, username: s.username, client_name: s.clientName, client_email: s.clientEmail })
            .onConflict((oc) => oc.column('id').doNothing())
            .execute();
        } else if (event.type === provisioningV1.ActionSucceededSchema.typeName) {
          const done = event.data as provisioningV1.ActionSucceeded;
          if (done.action !== provisioningV1.ProvisioningAction.SUSPEND) continue;
          const service = await trx.selectFrom('service').selectAll().where('id', '=', done.serviceId).executeTakeFirst();
          if (!service?.client_email) {
            deps.log('info', 'suspended service has no client email: no instance.suspended email', { serviceId: done.serviceId });
            continue;
          }
          await sendFor(deps, event, {
            template: 'instance.suspended',
            to: service.client_email,
            data: {
              client: { name: service.client_name },
              service: { domain: service.domain, username: service.username },
              suspended: { at: emailTime(done.at ? timestampDate(done.at) : event.occurredAt) },
            },
          });
        }
      }
    },
  };
}
