import { identityV1 } from '@opsledger/contracts';
import type { Migrations } from '@opsledger/db';
import type { Projection } from '@opsledger/eventstore';
import type { Kysely } from 'kysely';
import { type ReactionDeps, sendFor } from './reactions';

/** Accounts by id, with their address: who a task.failed goes to. */
export interface AccountsTables {
  account: { id: string; email: string; name: string; role: string };
}

const migrations: Migrations = {
  '20261124T1000_create_account': {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('account')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('email', 'text', (c) => c.notNull())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('role', 'text', (c) => c.notNull())
        .execute();
    },
  },
};

/**
 * The email service's lookup of accounts, fed by IDENTITY; a new customer
 * account gets the user.welcome email. (Accounts created before AccountCreated
 * existed are not on the stream: they get no welcome, and a task.failed for
 * them finds no address.)
 */
export function accountsProjection(schema: string, deps: ReactionDeps): Projection<AccountsTables> {
  return {
    name: 'email-accounts',
    context: 'identity',
    schema,
    migrations,
    tables: ['account'],
    async apply(trx, events) {
      for (const event of events) {
        if (event.type !== identityV1.AccountCreatedSchema.typeName) continue;
        const a = event.data as identityV1.AccountCreated;
        const role = identityV1.AccountRoleNames[a.role] ?? 'unknown';
        const row = { email: a.email, name: a.name, role };
        await trx
          .insertInto('account')
          .values({ id: a.accountId, ...row })
          .onConflict((oc) => oc.column('id').doUpdateSet(row))
          .execute();
        if (role === 'customer')
          await sendFor(deps, event, {
            template: 'user.welcome',
            to: a.email,
            data: { user: { name: a.name, email: a.email }, console: { url: deps.consoleUrl } },
          });
      }
    },
  };
}
