// The audit service as a process on the real NATS and PostgreSQL: other contexts' events (appended exactly as their
// services append them, headers and all) become one entry each when an actor caused them, with the actor, action,
// resource, source, client IP, correlation id and diff; secrets never reach the stream, the private tables or the
// logs; a restart with everything redelivered records nothing twice; the chain verifies, fails at exactly an edited
// entry, and still verifies after retention removed the older entries.
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { headers as natsHeaders } from '@nats-io/transport-node';
import {
  ActorKind,
  aggregateSubject,
  auditV1,
  emailV1,
  identityV1,
  provisioningV1,
  settingsV1,
  Source,
  streamName,
  tasksV1,
} from '@opsledger/contracts';
import { ClientIpKey, CorrelationIdKey } from '@opsledger/messaging';
import { repoRoot } from '@opsledger/testing';
import { sql } from 'kysely';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { entryIdFor } from './domain/audit-entry';
import { seal } from './domain/chain';
import { chainRef } from './domain/refs';
import { type AuditHarness, createAuditHarness } from './test-fixtures/audit-harness';

const ADMIN = 'admin-7f3a';
const staff = { actor: { kind: 'staff' as const, id: ADMIN }, source: 'console' as const };
const SECRET_SAMPLE = 'sk_live_s3cr3t-sample-9d1c';
const SECRET_CIPHERTEXT = 'v1.sealed-ciphertext-7a7a7a-should-never-appear';
const DAY_MS = 86_400_000;
const run = promisify(execFile);
let h: AuditHarness;
const ids: Record<string, string> = {};

beforeAll(async () => {
  h = await createAuditHarness();
  await h.start();
  // Two actions long past, first in the chain: what retention will remove.
  const old = new Date(Date.now() - 100 * DAY_MS);
  ids.old1 = await h.append(
    { context: 'tasks', type: 'task', id: 'old-1' },
    tasksV1.TaskCreatedSchema,
    { taskId: 'old-1', type: 'deploy' },
    staff,
    old,
  );
  ids.old2 = await h.append(
    { context: 'tasks', type: 'task', id: 'old-2' },
    tasksV1.TaskCreatedSchema,
    { taskId: 'old-2', type: 'deploy' },
    staff,
    old,
  );
  // The admin, created from the CLI (the first admin is).
  // Entries of different streams are recorded in the order they arrive: these come first.
  await h.entriesFor([ids.old1, ids.old2]);
  ids.account = await h.append(
    { context: 'identity', type: 'account', id: ADMIN },
    identityV1.AccountCreatedSchema,
    { accountId: ADMIN, email: 'ada@example.test', name: 'Ada', role: identityV1.AccountRole.ADMIN },
    { actor: { kind: 'system', id: 'root@ops-host' }, source: 'cli' },
  );
  await h.entriesFor([ids.account]);
}, 120_000);
afterAll(() => h?.dispose());

const only = (entries: auditV1.AuditEntryRecorded[], sourceEventId: string) => entries.filter((e) => e.sourceEventId === sourceEventId);

describe('entries', () => {
  it('a task retry: one entry with the actor (email and role from IDENTITY), action, resource, source, client IP and correlation id; workflow steps none', async () => {
    const task = { context: 'tasks' as const, type: 'task', id: 'task-retry-1' };
    const ctx = { ...staff, correlationId: 'corr-retry-1', clientIp: '203.0.113.7' };
    ids.create = await h.append(task, tasksV1.TaskCreatedSchema, { taskId: task.id, type: 'deploy', attempt: 1 }, ctx);
    const started = await h.append(task, tasksV1.TaskStartedSchema, { taskId: task.id }, { correlationId: 'corr-retry-1' });
    const failed = await h.append(task, tasksV1.TaskFailedSchema, { taskId: task.id, error: 'boom' }, { correlationId: 'corr-retry-1' });
    ids.retry = await h.append(task, tasksV1.TaskRetriedSchema, { taskId: task.id, attempt: 2 }, ctx);
    const entries = await h.entriesFor([ids.create, ids.retry]);
    await h.caughtUp();
    expect(only(entries, started)).toEqual([]);
    expect(only(entries, failed)).toEqual([]);
    const [retry, ...more] = only(entries, ids.retry);
    expect(more).toEqual([]);
    expect(retry).toMatchObject({
      action: 'task.retry',
      resourceType: 'task',
      resourceId: task.id,
      actor: { userId: ADMIN, kind: ActorKind.STAFF },
      actorEmail: 'ada@example.test',
      actorRole: 'admin',
      source: Source.CONSOLE,
      clientIp: '203.0.113.7',
      correlationId: 'corr-retry-1',
      sourceStream: 'TASKS',
      sourceEventType: tasksV1.TaskRetriedSchema.typeName,
    });
    expect(retry!.diff.map((c) => [c.field, c.oldValue, c.newValue])).toEqual([['attempt', '1', '2']]);
    expect(entries.filter((e) => e.resourceId === task.id).map((e) => e.action)).toEqual(['task.create', 'task.retry']);
  });

  it('a template edit with a secret-named token: one template.edit entry, the secret only `changed`, in no stream, table or log', async () => {
    const ref = { context: 'email' as const, type: 'template', id: 'user_api-key' };
    const content = (html: string, sample: string) => ({
      subject: 'Your key',
      html,
      tokens: [{ path: 'user.api_secret', description: 'the key', sampleJson: JSON.stringify(`${sample}`) }],
    });
    const shipped = await h.append(
      ref,
      emailV1.DefaultTemplateRegisteredSchema,
      { name: 'user.api-key', content: content('<p>{{user.api_secret}}</p>', `${SECRET_SAMPLE}-v1`), version: 1 },
      {
        actor: { kind: 'system', id: 'email' },
        source: 'system',
      },
    );
    ids.templateEdit = await h.append(
      ref,
      emailV1.TemplateEditedSchema,
      { name: 'user.api-key', content: content('<p>Key: {{user.api_secret}}</p>', SECRET_SAMPLE), version: 2 },
      { ...staff, correlationId: 'corr-template-1' },
    );
    // Settings → Email with sealed credentials, for the settings side of "sensitive".
    ids.emailSettings = await h.append(
      { context: 'settings', type: 'section', id: 'email' },
      settingsV1.EmailSettingsChangedSchema,
      {
        region: 'eu-west-1',
        sender: 'ops@example.test',
        credentialsCiphertext: SECRET_CIPHERTEXT,
        accessKeyIdHint: 'WXYZ',
        credentialsChanged: true,
      },
      staff,
    );
    const entries = await h.entriesFor([ids.templateEdit, ids.emailSettings]);
    await h.caughtUp();
    expect(only(entries, shipped)).toEqual([]);
    const [edit, ...more] = only(entries, ids.templateEdit);
    expect(more).toEqual([]);
    expect(edit).toMatchObject({
      action: 'template.edit',
      resourceType: 'template',
      resourceId: 'user.api-key',
      source: Source.CONSOLE,
      actorEmail: 'ada@example.test',
    });
    expect(edit!.diff.map(({ field, oldValue, newValue, sensitive }) => ({ field, oldValue, newValue, sensitive }))).toEqual([
      {
        field: 'html',
        oldValue: JSON.stringify('<p>{{user.api_secret}}</p>'),
        newValue: JSON.stringify('<p>Key: {{user.api_secret}}</p>'),
        sensitive: false,
      },
      { field: 'tokens.user.api_secret', oldValue: '', newValue: '', sensitive: true },
    ]);
    const [settings] = only(entries, ids.emailSettings);
    expect(settings).toMatchObject({ action: 'setting.edit', resourceType: 'setting', resourceId: 'email' });
    expect(settings!.diff.find((c) => c.field === 'credentials_ciphertext')).toMatchObject({ sensitive: true, oldValue: '', newValue: '' });

    // Nowhere: the AUDIT stream's raw bytes, the service's private tables, its log.
    const raw = await rawAuditStream(h);
    expect(raw).not.toContain(SECRET_SAMPLE);
    expect(raw).not.toContain(SECRET_CIPHERTEXT);
    const { rows } = await sql<{
      dump: string;
    }>`select string_agg(state::text, '') as dump from ${sql.table(`${h.schema}.audit_resource_state`)}`.execute(h.pg.db);
    expect(rows[0]!.dump).toContain('tokens.user.api_secret');
    expect(rows[0]!.dump).not.toContain(SECRET_SAMPLE);
    expect(rows[0]!.dump).not.toContain(SECRET_CIPHERTEXT);
    expect(h.logs().length).toBeGreaterThan(0);
    expect(h.logs()).not.toContain(SECRET_SAMPLE);
    expect(h.logs()).not.toContain(SECRET_CIPHERTEXT);
  });

  it('a CLI prune: one provisioning.prune entry with source cli and the OS user and host it ran as', async () => {
    ids.prune = await h.append(
      { context: 'provisioning', type: 'log-prune', id: 'prune-1' },
      provisioningV1.ProvisioningLogPrunedSchema,
      { pruneId: 'prune-1', entries: 12n, eventsPurged: 30n },
      { actor: { kind: 'system', id: 'ops@bastion-2' }, source: 'cli', correlationId: 'corr-prune-1' },
    );
    // The same prune run by the scheduler's job is the system acting alone: no entry.
    const byJob = await h.append(
      { context: 'provisioning', type: 'log-prune', id: 'prune-2' },
      provisioningV1.ProvisioningLogPrunedSchema,
      { pruneId: 'prune-2' },
      { actor: { kind: 'system', id: 'scheduler' }, source: 'system' },
    );
    const entries = await h.entriesFor([ids.prune]);
    await h.caughtUp();
    expect(only(entries, byJob)).toEqual([]);
    expect(only(entries, ids.prune)).toEqual([
      expect.objectContaining({
        action: 'provisioning.prune',
        resourceType: 'provisioning-log',
        resourceId: 'prune-1',
        actor: expect.objectContaining({ userId: 'ops@bastion-2', kind: ActorKind.SYSTEM }),
        actorRole: 'system',
        source: Source.CLI,
        osUser: 'ops',
        host: 'bastion-2',
        correlationId: 'corr-prune-1',
      }),
    ]);
    expect(only(entries, ids.account!)).toEqual([
      expect.objectContaining({ action: 'user.create', source: Source.CLI, osUser: 'root', host: 'ops-host' }),
    ]);
  });

  it('Settings → Retention through its command: validated, then audited as setting.edit with the request’s client IP and correlation id', async () => {
    await expect(
      h.client.send(settingsV1.ChangeRetentionSettingsCommand, {
        actor: { userId: ADMIN, kind: ActorKind.STAFF },
        source: Source.CONSOLE,
        auditDays: 5,
        emailLogDays: 0,
        ipLogDays: 90,
      }),
    ).rejects.toMatchObject({
      violations: [
        expect.objectContaining({ field: 'auditDays', rule: 'min:30' }),
        expect.objectContaining({ field: 'emailLogDays', rule: 'min:1' }),
      ],
    });
    const result = await h.client.send(settingsV1.ChangeRetentionSettingsCommand, {
      actor: { userId: ADMIN, kind: ActorKind.STAFF },
      source: Source.CONSOLE,
      auditDays: 30,
      emailLogDays: 60,
      ipLogDays: 90,
      [CorrelationIdKey]: 'corr-retention-1',
      [ClientIpKey]: '198.51.100.23',
    } as never);
    expect(result.section).toBe('retention');
    const stored = (await h.store.read({ context: 'settings', type: 'section', id: 'retention' })).at(-1)!;
    const entries = await h.entriesFor([stored.id]);
    expect(only(entries, stored.id)).toEqual([
      expect.objectContaining({
        action: 'setting.edit',
        resourceId: 'retention',
        clientIp: '198.51.100.23',
        correlationId: 'corr-retention-1',
        source: Source.CONSOLE,
      }),
    ]);
    const [entry] = only(entries, stored.id);
    expect(entry!.diff.map((c) => [c.field, c.oldValue, c.newValue])).toEqual([
      ['audit_days', '', '30'],
      ['email_log_days', '', '60'],
      ['ip_log_days', '', '90'],
    ]);
  });
});

describe('an actor IDENTITY’s projection has not got to yet', () => {
  it('a task event by an account whose AccountCreated is on IDENTITY but not yet projected: the entry has its email and role as of the event', async () => {
    await h.caughtUp();
    const HELD = 'held-5e1d';
    const LATE = 'late-admin-2b9c';
    // Holds the IDENTITY projection at HELD's AccountCreated: its resource-state row is taken by this uncommitted
    // insert, so LATE's AccountCreated, after it in the stream, is stored and not projected while the task event comes.
    let holding!: () => void;
    let release!: () => void;
    const held = new Promise<void>((resolve) => (holding = resolve));
    const released = new Promise<void>((resolve) => (release = resolve));
    const blocker = h.pg.db
      .transaction()
      .execute(async (trx) => {
        await sql`insert into ${sql.table(`${h.schema}.audit_resource_state`)} (resource_key, state) values (${`user/${HELD}`}, '{}')`.execute(
          trx,
        );
        holding();
        await released;
        throw new Rollback();
      })
      .catch((error: unknown) => {
        if (!(error instanceof Rollback)) throw error;
      });
    await held;
    let heldAccount = '';
    let lateAccount = '';
    try {
      heldAccount = await h.append(
        { context: 'identity', type: 'account', id: HELD },
        identityV1.AccountCreatedSchema,
        { accountId: HELD, email: 'held@example.test', name: 'Held', role: identityV1.AccountRole.CUSTOMER },
        staff,
      );
      lateAccount = await h.append(
        { context: 'identity', type: 'account', id: LATE },
        identityV1.AccountCreatedSchema,
        { accountId: LATE, email: 'grace@example.test', name: 'Grace', role: identityV1.AccountRole.ADMIN },
        staff,
      );
      // A demotion that occurred after the task event: not what the entry says of its actor.
      await h.append(
        { context: 'identity', type: 'account', id: LATE },
        identityV1.AccountRoleChangedSchema,
        { accountId: LATE, from: identityV1.AccountRole.ADMIN, to: identityV1.AccountRole.CUSTOMER },
        staff,
        new Date(Date.now() + 3_600_000),
      );
      ids.lateActorTask = await h.append(
        { context: 'tasks', type: 'task', id: 'late-actor-1' },
        tasksV1.TaskCreatedSchema,
        { taskId: 'late-actor-1', type: 'deploy' },
        { actor: { kind: 'staff', id: LATE }, source: 'api' },
      );
      const entries = await h.entriesFor([ids.lateActorTask]);
      // The hold is real: IDENTITY's projection has recorded neither account yet.
      expect(only(entries, heldAccount)).toEqual([]);
      expect(only(entries, lateAccount)).toEqual([]);
      expect(only(entries, ids.lateActorTask)).toEqual([
        expect.objectContaining({
          action: 'task.create',
          actor: expect.objectContaining({ userId: LATE, kind: ActorKind.STAFF }),
          actorEmail: 'grace@example.test',
          actorRole: 'admin',
          source: Source.API,
        }),
      ]);
    } finally {
      release();
      await blocker;
    }
    // Released, IDENTITY's projection goes on: both accounts' entries follow the task's.
    const entries = await h.entriesFor([heldAccount, lateAccount]);
    await h.caughtUp();
    const order = entries.map((e) => e.sourceEventId);
    expect(order.indexOf(lateAccount)).toBeGreaterThan(order.indexOf(ids.lateActorTask));
  });
});

class Rollback extends Error {}

describe('exactly once', () => {
  it('a killed service restarted with every stream redelivered from the start (and its dedupe rows lost) records nothing twice', async () => {
    await h.caughtUp();
    const before = (await h.entries()).map((e) => e.data.sourceEventId);
    await h.stop('SIGKILL');
    await sql`update ${sql.table(`${h.schema}.projection_checkpoint`)} set last_seq = 0`.execute(h.pg.db);
    // As if each entry had been published and the process died before remembering it: the stream itself says so.
    await sql`delete from ${sql.table(`${h.schema}.audit_recorded`)}`.execute(h.pg.db);
    await sql`delete from ${sql.table(`${h.schema}.audit_resource_state`)}`.execute(h.pg.db);
    await h.start();
    ids.afterRestart = await h.append(
      { context: 'tasks', type: 'task', id: 'after-restart' },
      tasksV1.TaskCreatedSchema,
      { taskId: 'after-restart' },
      staff,
    );
    await h.entriesFor([ids.afterRestart]);
    await h.caughtUp();
    const after = (await h.entries()).map((e) => e.data.sourceEventId);
    expect(after).toEqual([...before, ids.afterRestart]);
    expect(new Set(after).size).toBe(after.length);
  }, 120_000);
});

describe('another writer', () => {
  it('an entry appended by another replica since this one last appended: the head is reloaded and the next entry links after it', async () => {
    await h.caughtUp();
    const stored = await h.entries();
    const last = stored.at(-1)!;
    // Exactly what a second audit service replica would append: the next entry, sealed on the same head.
    const other = seal(
      { ...last.data, entryId: entryIdFor('other-replica-1'), sourceEventId: 'other-replica-1', action: 'task.cancel', diff: [] },
      { sequence: last.data.sequence, hash: last.data.hash },
    );
    await h.store.append(chainRef, [{ id: other.entryId, data: other, occurredAt: new Date() }], last.streamSeq, {
      actor: { kind: 'system', id: 'audit' },
      source: 'system',
    });
    const mine = await h.append(
      { context: 'tasks', type: 'task', id: 'after-other' },
      tasksV1.TaskCreatedSchema,
      { taskId: 'after-other' },
      staff,
    );
    const entries = await h.entriesFor([mine]);
    expect(only(entries, mine)).toEqual([expect.objectContaining({ sequence: other.sequence + 1n, prevHash: other.hash })]);
  });
});

describe('tamper evidence', () => {
  it('the chain verifies over NATS (what GET /api/audit/verify and opsledger audit verify ask)', async () => {
    const entries = await h.entries();
    const v = await h.client.send(auditV1.VerifyAuditChainCommand, {
      actor: { userId: ADMIN, kind: ActorKind.STAFF },
      source: Source.CONSOLE,
    });
    expect(v).toMatchObject({
      ok: true,
      entriesChecked: BigInt(entries.length),
      lastSequence: entries.at(-1)!.data.sequence,
      firstBadSequence: 0n,
    });
    expect(entries.map((e) => e.data.sequence)).toEqual(entries.map((_, i) => BigInt(i + 1)));
  });

  it('an entry edited in the stream fails verification at exactly that entry; restored, it verifies again', async () => {
    const originals = await rawChainMessages(h);
    const target = originals[Math.floor(originals.length / 2)]!;
    const tampered = auditV1.AuditEntryRecordedSchema;
    const { fromBinary, toBinary } = await import('@bufbuild/protobuf');
    const entry = fromBinary(tampered, target.data);
    entry.actorEmail = 'someone-else@example.test';
    // Rewrite the chain's subject as someone with write access to the stream would: the same messages, one of them edited.
    await rewriteChain(
      h,
      originals.map((m) => (m === target ? { ...m, data: toBinary(tampered, entry) } : m)),
    );
    const bad = await h.client.send(auditV1.VerifyAuditChainCommand, {
      actor: { userId: ADMIN, kind: ActorKind.STAFF },
      source: Source.CONSOLE,
    });
    expect(bad).toMatchObject({ ok: false, firstBadSequence: entry.sequence, firstBadEntryId: entry.entryId });
    expect(bad.reason).toMatch(/was changed/);
    const cliBad = await opsledger('audit', 'verify');
    expect(cliBad.code).toBe(1);
    expect(cliBad.stderr).toContain(`audit chain BROKEN at entry ${entry.sequence} (id ${entry.entryId})`);

    await rewriteChain(h, originals);
    const good = await h.client.send(auditV1.VerifyAuditChainCommand, {
      actor: { userId: ADMIN, kind: ActorKind.STAFF },
      source: Source.CONSOLE,
    });
    expect(good.ok).toBe(true);
    const cliGood = await opsledger('audit', 'verify');
    expect(cliGood).toMatchObject({ code: 0, stdout: expect.stringContaining(`${originals.length} entries`) });
  });
});

describe('retention', () => {
  it('removes only the entries older than the setting, records a checkpoint, and the rest still verifies; the next entry links on', async () => {
    const before = (await h.entries()).map((e) => e.data);
    const old = before.filter((e) => [ids.old1, ids.old2].includes(e.sourceEventId));
    expect(old.map((e) => e.sequence)).toEqual([1n, 2n]);
    const result = await h.client.send(auditV1.PruneAuditLogCommand, {
      actor: { userId: 'scheduler', kind: ActorKind.SYSTEM },
      source: Source.SYSTEM,
    });
    expect(result).toEqual(expect.objectContaining({ entriesRemoved: 2n, throughSequence: 2n }));
    const after = (await h.entries()).map((e) => e.data);
    expect(after.map((e) => e.sourceEventId)).toEqual(before.slice(2).map((e) => e.sourceEventId));
    const checkpoints = await h.store.read({ context: 'audit', type: 'chain', id: 'checkpoints' });
    expect(checkpoints.map((c) => c.data)).toEqual([
      expect.objectContaining({ throughSequence: 2n, throughHash: old[1]!.hash, entriesRemoved: 2n }),
    ]);
    const v = await h.client.send(auditV1.VerifyAuditChainCommand, {
      actor: { userId: ADMIN, kind: ActorKind.STAFF },
      source: Source.CONSOLE,
    });
    expect(v).toMatchObject({ ok: true, checkpointSequence: 2n, entriesChecked: BigInt(after.length) });

    // A second run has nothing to remove; a new action still links on to the last entry.
    expect(
      await h.client.send(auditV1.PruneAuditLogCommand, { actor: { userId: 'scheduler', kind: ActorKind.SYSTEM }, source: Source.SYSTEM }),
    ).toEqual(expect.objectContaining({ entriesRemoved: 0n }));
    const next = await h.append(
      { context: 'tasks', type: 'task', id: 'after-prune' },
      tasksV1.TaskCancelledSchema,
      { taskId: 'after-prune', cancelledAt: timestampFromDate(new Date()) },
      staff,
    );
    const entries = await h.entriesFor([next]);
    expect(only(entries, next)[0]).toMatchObject({
      sequence: after.at(-1)!.sequence + 1n,
      prevHash: after.at(-1)!.hash,
      action: 'task.cancel',
    });
    expect(
      await h.client.send(auditV1.VerifyAuditChainCommand, { actor: { userId: ADMIN, kind: ActorKind.STAFF }, source: Source.CONSOLE }),
    ).toMatchObject({ ok: true });
  });
});

/** The operator CLI, on this test's NATS and prefix. */
async function opsledger(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run('bash', [`${repoRoot}tools/cli/opsledger.sh`, ...args], {
      env: { ...process.env, NATS_URL: h.nats.url, OPSLEDGER_PREFIX: h.nats.prefix, LOG_LEVEL: 'warn' },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

/** Every message of the AUDIT stream as text (headers and payload), to look for what must not be there. */
async function rawAuditStream(h: AuditHarness): Promise<string> {
  const stream = streamName('audit', h.nats.prefix);
  const info = await h.nats.jsm.streams.info(stream);
  let text = '';
  for (let seq = info.state.first_seq; seq <= info.state.last_seq; seq++) {
    const m = await h.nats.jsm.streams.getMessage(stream, { seq }).catch(() => null);
    if (!m) continue;
    text += `${JSON.stringify([...(m.header ?? [])])}\n${Buffer.from(m.data).toString('latin1')}\n`;
  }
  return text;
}

interface RawMessage {
  data: Uint8Array;
  headers: [string, string[]][];
}

async function rawChainMessages(h: AuditHarness): Promise<RawMessage[]> {
  const stream = streamName('audit', h.nats.prefix);
  const subject = aggregateSubject(chainRef, h.nats.prefix);
  const info = await h.nats.jsm.streams.info(stream);
  const out: RawMessage[] = [];
  for (let seq = info.state.first_seq; seq <= info.state.last_seq; seq++) {
    const m = await h.nats.jsm.streams.getMessage(stream, { seq }).catch(() => null);
    if (m && m.subject === subject) out.push({ data: m.data, headers: [...(m.header ?? [])] });
  }
  return out;
}

/** Purges the chain's subject and publishes these messages in its place, headers kept (but JetStream's own: the dedupe id and the expected sequence). */
async function rewriteChain(h: AuditHarness, messages: RawMessage[]) {
  const stream = streamName('audit', h.nats.prefix);
  const subject = aggregateSubject(chainRef, h.nats.prefix);
  await h.nats.jsm.streams.purge(stream, { filter: subject });
  for (const m of messages) {
    const hdrs = natsHeaders();
    for (const [key, values] of m.headers) if (!key.startsWith('Nats-')) for (const v of values) hdrs.append(key, v);
    await h.nats.js.publish(subject, m.data, { headers: hdrs });
  }
}
