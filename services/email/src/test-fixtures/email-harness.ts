// The email service booted in-process, as main.ts boots it, against a Temporal dev server, NATS, PostgreSQL and an
// SES v2 simulator of the test's own (prefix, schema, server), with helpers to read what it wrote. Test code only.
import { create, type DescMessage, type MessageInitShape } from '@bufbuild/protobuf';
import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { type AggregateRef, type Context, emailV1, eventRegistry, streamName } from '@opsledger/contracts';
import { contextSchema } from '@opsledger/db';
import { type AppendContext, decodeEvent, ensureEventStream, EventStore, type StoredEvent } from '@opsledger/eventstore';
import { CommandClient } from '@opsledger/messaging';
import { SesSim } from '@opsledger/ses-sim';
import { loadConfig } from '@opsledger/telemetry';
import { createTemporalTestEnv, createTestDatabase, createTestNats, type TestDatabase, type TestNats, testEnv } from '@opsledger/testing';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { sql } from 'kysely';
import { setTimeout as sleep } from 'node:timers/promises';
import { v7 as uuidv7 } from 'uuid';
import { emailRef } from '../domain/refs';
import { type EmailConfig, emailConfigSchema } from '../email.config';
import { EmailModule } from '../email.module';

export const SIM_CREDENTIALS = { accessKeyId: 'AKIAEMAILTEST0001', secretAccessKey: 'email-test-secret-0001' };

export interface EmailHarness {
  temporal: TestWorkflowEnvironment;
  nats: TestNats;
  pg: TestDatabase;
  store: EventStore;
  client: CommandClient;
  sim: SesSim;
  config: EmailConfig;
  /** The service's private schema. */
  schema: string;
  boot(): Promise<void>;
  stop(): Promise<void>;
  dispose(): Promise<void>;
  /** Appends one event as another context's service would (with a correlation id when given). */
  append<D extends DescMessage>(
    ref: AggregateRef,
    schema: D,
    data: MessageInitShape<D>,
    ctx?: Partial<AppendContext>,
  ): Promise<StoredEvent>;
  /** An email's events, in order. */
  emailEvents(emailId: string): Promise<StoredEvent[]>;
  /** Waits until the email has an outcome (EmailSent or EmailFailed) and returns all its events. */
  outcome(emailId: string, timeoutMs?: number): Promise<StoredEvent[]>;
  /** Waits for the EmailQueued whose cause is this event. */
  queuedFor(eventId: string, timeoutMs?: number): Promise<StoredEvent<emailV1.EmailQueued>>;
}

export async function createEmailHarness(env: Record<string, string> = {}): Promise<EmailHarness> {
  const [{ env: temporal }, nats, pg] = await Promise.all([createTemporalTestEnv(), createTestNats(), createTestDatabase()]);
  const sim = new SesSim(SIM_CREDENTIALS);
  const { url: simUrl } = await sim.start();
  for (const context of ['email', 'settings', 'identity', 'provisioning', 'tasks'] as Context[])
    await ensureEventStream(nats.jsm, context, { prefix: nats.prefix });
  const store = new EventStore(nats.js, nats.jsm, eventRegistry, nats.prefix);
  const client = new CommandClient(nats.nc, nats.prefix, 15_000);
  const config = loadConfig(emailConfigSchema, {
    DATABASE_URL: testEnv.databaseUrl,
    NATS_URL: nats.url,
    OPSLEDGER_PREFIX: nats.prefix,
    TEMPORAL_ADDRESS: temporal.address,
    LOG_LEVEL: 'warn',
    EMAIL_SES_ENDPOINT: simUrl,
    EMAIL_SES_ACCESS_KEY_ID: SIM_CREDENTIALS.accessKeyId,
    EMAIL_SES_SECRET_ACCESS_KEY: SIM_CREDENTIALS.secretAccessKey,
    EMAIL_SENDER: 'ops@example.test',
    EMAIL_RETRY_INITIAL_MS: '100',
    EMAIL_RETRY_MAX_INTERVAL_MS: '400',
    EMAIL_RETRY_MAX_ATTEMPTS: '4',
    ...env,
  });
  const schema = contextSchema('email_service', nats.prefix);
  let app: INestApplication | undefined;

  const harness: EmailHarness = {
    temporal,
    nats,
    pg,
    store,
    client,
    sim,
    config,
    schema,
    async boot() {
      app = await NestFactory.create(EmailModule.forRoot(config), { logger: ['error'] });
      await app.listen(0, '127.0.0.1');
      const url = `${(await app.getUrl()).replace('[::1]', '127.0.0.1')}/readyz`;
      const deadline = Date.now() + 60_000;
      for (;;) {
        const res = await fetch(url);
        if (res.status === 200) return;
        if (Date.now() > deadline) throw new Error(`email service not ready: ${await res.text()}`);
        await sleep(100);
      }
    },
    async stop() {
      await app?.close();
      app = undefined;
    },
    async dispose() {
      await harness.stop();
      await sql`drop schema if exists ${sql.id(schema)} cascade`.execute(pg.db);
      await sim.stop();
      await temporal.teardown();
      await nats.dispose();
      await pg.dispose();
    },
    async append(ref, schema, data, ctx = {}) {
      const events = await store.read(ref);
      const event = { id: uuidv7(), data: create(schema, data), occurredAt: new Date() };
      const appended = await store.append(ref, [event], events.at(-1)?.streamSeq ?? 0, {
        actor: { kind: 'system', id: 'test' },
        source: 'system',
        ...ctx,
      });
      return {
        ...event,
        type: schema.typeName,
        aggregateId: ref.id,
        subject: '',
        streamSeq: appended.version,
        actor: { kind: 'system', id: 'test' },
        source: 'system',
        traceparent: undefined,
        correlationId: ctx.correlationId,
      };
    },
    emailEvents: (emailId) => store.read(emailRef(emailId)),
    async outcome(emailId, timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const events = await store.read(emailRef(emailId));
        if (events.some((e) => e.type.endsWith('EmailSent') || e.type.endsWith('EmailFailed'))) return events;
        if (Date.now() > deadline)
          throw new Error(`email ${emailId} has no outcome after ${timeoutMs} ms: ${events.map((e) => e.type).join(', ')}`);
        await sleep(100);
      }
    },
    async queuedFor(eventId, timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const queued = (await allEmailEvents(nats)).find(
          (e) => e.type === emailV1.EmailQueuedSchema.typeName && (e.data as emailV1.EmailQueued).causedByEventId === eventId,
        );
        if (queued) return queued as StoredEvent<emailV1.EmailQueued>;
        if (Date.now() > deadline) throw new Error(`no email queued for event ${eventId} within ${timeoutMs} ms`);
        await sleep(100);
      }
    },
  };
  return harness;
}

/** Every event under evt.email.email.> (the test's own prefix). */
async function allEmailEvents(nats: TestNats): Promise<StoredEvent[]> {
  const consumer = await nats.js.consumers.get(streamName('email', nats.prefix), { filter_subjects: `${nats.prefix}.evt.email.email.>` });
  const out: StoredEvent[] = [];
  try {
    const { num_pending } = await consumer.info();
    if (num_pending === 0) return out;
    for await (const m of await consumer.fetch({ max_messages: 10_000, expires: 2_000 })) {
      out.push(decodeEvent(eventRegistry, m));
      if (m.info.pending === 0) break;
    }
  } finally {
    await consumer.delete().catch(() => undefined);
  }
  return out;
}
