import { type JetStreamManager, jetstreamManager } from '@nats-io/jetstream';
import { CONTEXTS } from '@opsledger/contracts';
import { ContextServiceModule } from '@opsledger/service-runtime';
import type { Kysely } from 'kysely';
import { v7 as uuidv7 } from 'uuid';
import type { AuditConfig } from './audit.config';
import { AuditChain } from './chain/chain-store';
import { auditCommandHandlers } from './commands';
import { auditSourceProjection } from './projections/audit-source.projection';
import type { AuditServiceTables } from './projections/tables';

/**
 * The contexts whose streams become audit entries: every context there is
 * (generated from proto/platform/), but the audit chain itself. A new context
 * needs nothing here: only its rows in the mapping table.
 */
export const AUDITED_CONTEXTS = CONTEXTS.filter((c) => c !== 'audit');

/**
 * The audit service: one source projection per context's stream (IDENTITY's
 * also keeps the accounts for the entries' actor) appending to the AUDIT
 * chain; Settings → Retention, the audit.retention job's prune and the chain's
 * verification as commands on NATS.
 */
export const AuditModule = {
  forRoot: (config: AuditConfig) =>
    ContextServiceModule.forRoot({
      context: 'audit',
      config,
      parts: ({ store, nc, db, schema }) => {
        const now = () => new Date();
        let jsm: Promise<JetStreamManager> | undefined;
        const chain = new AuditChain({
          store,
          jsm: () => (jsm ??= jetstreamManager(nc)),
          db: db.withSchema(schema) as Kysely<AuditServiceTables>,
          prefix: config.OPSLEDGER_PREFIX,
          newId: uuidv7,
          now,
        });
        return {
          handlers: auditCommandHandlers({ store, chain, newId: uuidv7, now }),
          projections: (schema) => AUDITED_CONTEXTS.map((context) => auditSourceProjection(context, schema, { chain, store })),
        };
      },
    }),
};
