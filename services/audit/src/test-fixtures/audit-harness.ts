// The audit service as its own process (main.ts under tsx, as the dev stack runs it, so its whole log can be read)
// on the real NATS and PostgreSQL, with a stream prefix and schema of the test's own, and helpers to append other
// contexts' events as their services would and to read the chain. Test code only.
import { create, type DescMessage, type MessageInitShape } from '@bufbuild/protobuf';
import { type AggregateRef, auditV1, CONTEXTS, eventRegistry } from '@opsledger/contracts';
import { contextSchema } from '@opsledger/db';
import { type AppendContext, ensureEventStream, EventStore, type StoredEvent } from '@opsledger/eventstore';
import { CommandClient } from '@opsledger/messaging';
import {
  createTestDatabase,
  createTestNats,
  freePort,
  ServiceProcess,
  type TestDatabase,
  type TestNats,
  testEnv,
} from '@opsledger/testing';
import { sql } from 'kysely';
import { setTimeout as sleep } from 'node:timers/promises';
import { v7 as uuidv7 } from 'uuid';
import { chainRef } from '../domain/refs';

export interface AuditHarness {
  nats: TestNats;
  pg: TestDatabase;
  store: EventStore;
  client: CommandClient;
  /** The service's private schema. */
  schema: string;
  /** Everything the service processes have written to stdout and stderr so far, across restarts. */
  logs(): string;
  start(): Promise<void>;
  stop(signal?: NodeJS.Signals): Promise<void>;
  dispose(): Promise<void>;
  append<D extends DescMessage>(
    ref: AggregateRef,
    schema: D,
    data: MessageInitShape<D>,
    ctx?: Partial<AppendContext>,
    occurredAt?: Date,
  ): Promise<string>;
  entries(): Promise<StoredEvent<auditV1.AuditEntryRecorded>[]>;
  /** Waits until an entry for each of these source event ids is in the chain, and returns the chain. */
  entriesFor(sourceEventIds: string[], timeoutMs?: number): Promise<auditV1.AuditEntryRecorded[]>;
  /** Waits until every source projection has applied its stream to the end. */
  caughtUp(timeoutMs?: number): Promise<void>;
}

export async function createAuditHarness(): Promise<AuditHarness> {
  const [nats, pg] = await Promise.all([createTestNats(), createTestDatabase()]);
  for (const context of CONTEXTS) await ensureEventStream(nats.jsm, context, { prefix: nats.prefix });
  const store = new EventStore(nats.js, nats.jsm, eventRegistry, nats.prefix);
  const client = new CommandClient(nats.nc, nats.prefix, 15_000);
  const schema = contextSchema('audit_service', nats.prefix);
  let proc: ServiceProcess | undefined;
  let logs = '';
  const versions = new Map<string, number>();

  const harness: AuditHarness = {
    nats,
    pg,
    store,
    client,
    schema,
    logs: () => logs + (proc?.log ?? ''),
    async start() {
      const port = await freePort();
      proc = ServiceProcess.start('audit', 'services/audit/src/main.ts', {
        DATABASE_URL: testEnv.databaseUrl,
        NATS_URL: nats.url,
        OPSLEDGER_PREFIX: nats.prefix,
        AUDIT_PORT: String(port),
        // Everything it logs, so the test can look for secrets in all of it.
        LOG_LEVEL: 'debug',
        OTEL_SDK_DISABLED: 'true',
      });
      await proc.waitReady(`http://127.0.0.1:${port}/readyz`);
    },
    async stop(signal = 'SIGTERM') {
      if (!proc) return;
      await proc.stop(signal);
      logs += proc.log;
      proc = undefined;
    },
    async dispose() {
      await harness.stop();
      await sql`drop schema if exists ${sql.id(schema)} cascade`.execute(pg.db);
      await nats.dispose();
      await pg.dispose();
    },
    async append(ref, messageSchema, data, ctx = {}, occurredAt = new Date()) {
      const key = `${ref.context}/${ref.type}/${ref.id}`;
      const id = uuidv7();
      const { version } = await store.append(
        ref,
        [{ id, data: create(messageSchema, data), occurredAt }],
        versions.get(key) ?? (await store.read(ref)).at(-1)?.streamSeq ?? 0,
        { actor: { kind: 'system', id: ref.context }, source: 'system', ...ctx },
      );
      versions.set(key, version);
      return id;
    },
    entries: () => store.read(chainRef) as Promise<StoredEvent<auditV1.AuditEntryRecorded>[]>,
    async entriesFor(ids, timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const entries = (await harness.entries()).map((e) => e.data);
        const have = new Set(entries.map((e) => e.sourceEventId));
        if (ids.every((id) => have.has(id))) return entries;
        if (Date.now() > deadline)
          throw new Error(`no entry for ${ids.filter((id) => !have.has(id)).join(', ')} after ${timeoutMs} ms\n${harness.logs()}`);
        await sleep(50);
      }
    },
    async caughtUp(timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const lasts = new Map<string, number>();
        for (const context of CONTEXTS) {
          if (context === 'audit') continue;
          const info = await nats.jsm.streams.info(`${nats.prefix.toUpperCase()}_${context.toUpperCase()}`);
          lasts.set(`audit-source-${context}`, info.state.last_seq);
        }
        const rows = await pg.db
          .withSchema(schema)
          .selectFrom('projection_checkpoint')
          .select(['projection', 'last_seq'])
          .execute()
          .catch(() => [] as { projection: string; last_seq: number }[]);
        const at = new Map(rows.map((r) => [r.projection, Number(r.last_seq)]));
        if ([...lasts].every(([name, last]) => (at.get(name) ?? -1) >= last)) return;
        if (Date.now() > deadline) throw new Error(`audit projections not caught up after ${timeoutMs} ms\n${harness.logs()}`);
        await sleep(50);
      }
    },
  };
  return harness;
}
