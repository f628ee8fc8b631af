// The Audit Log read side on its own: AuditEntryRecorded and AuditChainCheckpointed appended to the test's AUDIT
// stream as the audit service appends them, read back through the gateway's API — filters (an action prefix too),
// newest first, one entry with its diff and what shares its correlation id, the CSV, retention checkpoints, a rebuild.
// The entries themselves (which event becomes which entry, the hash chain) are the audit service's tests.
import { create } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { ActorKind, auditV1, emailV1, eventRegistry, provisioningV1, Source, tasksV1 } from '@opsledger/contracts';
import { EventStore } from '@opsledger/eventstore';
import { createTestDatabase, createTestNats, type TestDatabase, type TestNats } from '@opsledger/testing';
import { setTimeout as sleep } from 'node:timers/promises';
import { v7 as uuidv7 } from 'uuid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProjectionsHost } from '../projections/projections.host';
import { dropContextSchemas, identityDb, seedAccounts, signIn, startTestGateway } from '../test-support/test-gateway';

let pg: TestDatabase;
let nats: TestNats;
let store: EventStore;
let gateway: Awaited<ReturnType<typeof startTestGateway>>;
let admin = '';
let customer = '';

beforeAll(async () => {
  pg = await createTestDatabase();
  nats = await createTestNats();
  store = new EventStore(nats.js, nats.jsm, eventRegistry, nats.prefix);
  gateway = await startTestGateway(pg, nats);
  const accounts = await seedAccounts(await identityDb(pg, nats.prefix));
  admin = (await signIn(gateway.url, accounts.admin.email, accounts.password)).cookie;
  customer = (await signIn(gateway.url, accounts.alice.email, accounts.password)).cookie;
});
afterAll(async () => {
  await gateway?.close();
  await dropContextSchemas(pg, nats.prefix);
  await nats?.dispose();
  await pg?.dispose();
});

const chain = { context: 'audit' as const, type: 'chain', id: 'main' };
const auditor = { actor: { kind: 'system' as const, id: 'audit' }, source: 'system' as const };
let chainVersion = 0;
let sequence = 0;
const base = Date.UTC(2026, 10, 20, 9, 0, 0);
const SECRET = 'AKIA-very-secret-value-42';

type Entry = Partial<Omit<auditV1.AuditEntryRecorded, '$typeName' | 'occurredAt' | 'diff' | 'actor'>> & {
  actor?: { userId: string; kind: ActorKind };
  at?: number;
  diff?: { field: string; oldValue?: string; newValue?: string; sensitive?: boolean }[];
};
/** Appends entries in chain order, each one sequence on, as the audit service does. */
async function record(entries: Entry[]) {
  const events = entries.map((e) => {
    sequence++;
    const data = create(auditV1.AuditEntryRecordedSchema, {
      sequence: BigInt(sequence),
      entryId: e.entryId ?? `a${String(sequence).padStart(5, '0')}`,
      sourceEventId: uuidv7(),
      sourceEventType: e.sourceEventType ?? 'platform.tasks.v1.TaskRetried',
      sourceStream: e.sourceStream ?? 'TASKS',
      actor: e.actor ?? { userId: 'admin-1', kind: ActorKind.STAFF },
      actorEmail: e.actorEmail ?? 'admin@example.test',
      actorRole: e.actorRole ?? 'admin',
      source: e.source ?? Source.CONSOLE,
      clientIp: e.clientIp ?? '203.0.113.7',
      osUser: e.osUser ?? '',
      host: e.host ?? '',
      action: e.action ?? 'task.retry',
      resourceType: e.resourceType ?? 'task',
      resourceId: e.resourceId ?? 't1',
      correlationId: e.correlationId ?? `corr-${sequence}`,
      occurredAt: timestampFromDate(new Date(e.at ?? base + sequence * 60_000)),
      diff: e.diff ?? [],
      prevHash: `prev-${sequence}`,
      hash: `hash-${sequence}`,
    });
    return { id: uuidv7(), data, occurredAt: new Date() };
  });
  chainVersion = (await store.append(chain, events, chainVersion, auditor)).version;
}

const get = async (path: string, cookie = admin) => {
  const res = await fetch(`${gateway.url}${path}`, { headers: { cookie } });
  const text = await res.text();
  return {
    status: res.status,
    headers: res.headers,
    text,
    body: (text.startsWith('[') || text.startsWith('{') ? JSON.parse(text) : text) as any,
  };
};
async function until<T>(read: () => Promise<T>, ok: (value: T) => boolean, ms = 20_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await read();
    if (ok(value) || Date.now() > deadline) return value;
    await sleep(50);
  }
}
const filter = (f: object) => `filter=${encodeURIComponent(JSON.stringify(f))}`;
const ids = async (f: object) => (await get(`/api/audit-log?${filter(f)}&range=[0,99]`)).body.map((e: any) => e.id);
const total = async () => Number((await get('/api/audit-log?range=[0,0]')).headers.get('content-range')?.split('/')[1]);

describe('the Audit Log list', () => {
  beforeAll(async () => {
    await record([
      { entryId: 'e1', action: 'user.create', resourceType: 'user', resourceId: 'u-7', correlationId: 'corr-user' },
      {
        entryId: 'e2',
        action: 'user.role_change',
        resourceType: 'user',
        resourceId: 'u-7',
        diff: [{ field: 'role', oldValue: '"customer"', newValue: '"admin"' }],
      },
      {
        entryId: 'e3',
        action: 'template.edit',
        resourceType: 'template',
        resourceId: 'user.welcome',
        actor: { userId: 'admin-2', kind: ActorKind.STAFF },
        actorEmail: 'second@example.test',
        correlationId: 'corr-edit',
        // The service never sends a sensitive field's values; if one did, the read side still drops them.
        diff: [
          { field: 'subject', oldValue: '"Hi"', newValue: '"Hello"' },
          { field: 'secretAccessKey', oldValue: `"${SECRET}-old"`, newValue: `"${SECRET}"`, sensitive: true },
        ],
      },
      {
        entryId: 'e4',
        action: 'provisioning.prune',
        resourceType: 'service',
        resourceId: '=HYPERLINK("http://evil.test","x")',
        source: Source.CLI,
        clientIp: '',
        osUser: 'deploy',
        host: 'ops-box-1',
        correlationId: 'corr-cli',
      },
      { entryId: 'e5', action: 'user.delete', resourceType: 'user', resourceId: 'u-7', correlationId: 'corr-user' },
      { entryId: 'e6', action: 'userx.odd', resourceType: 'userx', resourceId: 'x' },
    ]);
    // An email the user deletion caused, on the EMAIL stream with the same correlation id.
    await store.append(
      { context: 'email', type: 'email', id: 'mail-1' },
      [
        {
          id: uuidv7(),
          data: create(emailV1.EmailQueuedSchema, {
            emailId: 'mail-1',
            template: 'user.deleted',
            templateVersion: 1,
            to: 'u7@example.test',
            subject: 'Your account was deleted',
            html: '<p>Bye</p>',
            correlationId: 'corr-user',
            test: false,
            queuedAt: timestampFromDate(new Date(base)),
          }),
          occurredAt: new Date(base),
        },
      ],
      0,
      { actor: { kind: 'system', id: 'email-worker' }, source: 'system', correlationId: 'corr-user' },
    );
    // A task the user deletion's command touched, with a second event of another command, and one of another task.
    const byAdmin = (correlationId: string) => ({
      actor: { kind: 'staff' as const, id: 'admin-1' },
      source: 'console' as const,
      correlationId,
    });
    const created = (taskId: string) =>
      create(tasksV1.TaskCreatedSchema, {
        taskId,
        type: 'instance.delete',
        target: { userId: 'u-7', hypervisorId: 'hv-1', instanceId: 'vm-1' },
        attempt: 1,
        createdAt: timestampFromDate(new Date(base)),
      });
    const taskRef = (id: string) => ({ context: 'tasks' as const, type: 'task', id });
    const v = await store.append(
      taskRef('task-u7'),
      [{ id: uuidv7(), data: created('task-u7'), occurredAt: new Date(base) }],
      0,
      byAdmin('corr-user'),
    );
    await store.append(
      taskRef('task-u7'),
      [{ id: uuidv7(), data: create(tasksV1.TaskCancelledSchema, { taskId: 'task-u7' }), occurredAt: new Date(base) }],
      v.version,
      byAdmin('corr-other'),
    );
    await store.append(taskRef('task-x'), [{ id: uuidv7(), data: created('task-x'), occurredAt: new Date(base) }], 0, byAdmin('corr-x'));
    // A Provisioning Log attempt of the same command.
    await store.append(
      { context: 'provisioning', type: 'attempt', id: 'att-1' },
      [
        {
          id: uuidv7(),
          data: create(provisioningV1.ProvisioningAttemptRecordedSchema, {
            attemptId: 'att-1',
            serviceId: 'svc-1',
            dispatchId: 'd-1',
            domain: 'u7.example.test',
            clientName: 'U7',
            action: provisioningV1.ProvisioningAction.TERMINATE,
            attempt: 1,
            success: true,
            requestJson: '{}',
            responseJson: '{}',
            durationMs: 12,
            at: timestampFromDate(new Date(base)),
          }),
          occurredAt: new Date(base),
        },
      ],
      0,
      { actor: { kind: 'system', id: 'provisioning-worker' }, source: 'system', correlationId: 'corr-user' },
    );
    await until(total, (n) => n === 6);
  });

  it('lists every entry newest first', async () => {
    const { body, headers } = await get('/api/audit-log');
    expect(headers.get('content-range')).toBe('audit-log 0-5/6');
    expect(body.map((e: any) => e.id)).toEqual(['e6', 'e5', 'e4', 'e3', 'e2', 'e1']);
    expect(body[2]).toMatchObject({
      action: 'provisioning.prune',
      source: 'cli',
      osUser: 'deploy',
      host: 'ops-box-1',
      actorKind: 'staff',
      actorId: 'admin-1',
      actorEmail: 'admin@example.test',
      actorRole: 'admin',
      correlationId: 'corr-cli',
    });
  });

  it('filters by action exactly and by prefix, newest first', async () => {
    expect(await ids({ action: 'user.delete' })).toEqual(['e5']);
    expect(await ids({ actionPrefix: 'user.' })).toEqual(['e5', 'e2', 'e1']);
    // A prefix is text, not a pattern: no wildcard in it matches anything but itself.
    expect(await ids({ actionPrefix: 'user' })).toEqual(['e6', 'e5', 'e2', 'e1']);
    expect(await ids({ actionPrefix: 'user._' })).toEqual([]);
    expect(await ids({ actionPrefix: 'user.%' })).toEqual([]);
    expect(await ids({ actionPrefix: 'user.r' })).toEqual(['e2']);
    expect(await ids({ actionPrefix: 'user.', action: 'user.create' })).toEqual(['e1']);
  });

  it('filters by actor, resource, source, correlation id and time', async () => {
    expect(await ids({ actorId: 'admin-2' })).toEqual(['e3']);
    expect(await ids({ resourceType: 'user', resourceId: 'u-7' })).toEqual(['e5', 'e2', 'e1']);
    expect(await ids({ source: 'cli' })).toEqual(['e4']);
    expect(await ids({ correlationId: 'corr-user' })).toEqual(['e5', 'e1']);
    const at = (n: number) => new Date(base + n * 60_000).toISOString();
    expect(await ids({ from: at(2), to: at(4) })).toEqual(['e4', 'e3', 'e2']);
    expect(await ids({ from: at(5) })).toEqual(['e6', 'e5']);
  });

  it.each([
    ['an unknown source', { source: 'shell' }, 'filter.source'],
    ['a bad time', { from: 'yesterday' }, 'filter.from'],
    ['an empty prefix', { actionPrefix: '' }, 'filter.actionPrefix'],
    ['a prefix that is not printable ASCII', { actionPrefix: 'user.\u{10FFFF}' }, 'filter.actionPrefix'],
    ["the prefix range's end, which only the gateway sets", { actionPrefixEnd: 'user.z' }, 'filter.actionPrefixEnd'],
  ])('%s is a 400 naming it', async (_name, f, field) => {
    const res = await get(`/api/audit-log?${filter(f)}`);
    expect(res.status).toBe(400);
    expect(res.body.violations.map((v: any) => v.field)).toContain(field);
  });

  it('shows one entry with its diff, a sensitive field only as changed and its values nowhere', async () => {
    const res = await get('/api/audit-log/e3');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      id: 'e3',
      action: 'template.edit',
      resourceType: 'template',
      resourceId: 'user.welcome',
      source: 'console',
      clientIp: '203.0.113.7',
      correlationId: 'corr-edit',
      hash: 'hash-3',
      prevHash: 'prev-3',
      diff: [
        { field: 'subject', sensitive: false, oldValue: '"Hi"', newValue: '"Hello"' },
        { field: 'secretAccessKey', sensitive: true, change: 'changed' },
      ],
    });
    expect(res.text).not.toContain(SECRET);
    expect((await get(`/api/audit-log?${filter({ action: 'template.edit' })}`)).text).not.toContain(SECRET);
    expect((await get('/api/audit-log?format=csv')).text).not.toContain(SECRET);
    const stored = await pg.db.withSchema(`${nats.prefix}_audit`).selectFrom('audit_entry').select('diff').execute();
    expect(JSON.stringify(stored)).not.toContain(SECRET);
  });

  it('links an entry to what shares its correlation id: the other entries, the tasks, the provisioning attempts and the emails', async () => {
    const { body } = await until(
      () => get('/api/audit-log/e5'),
      (r) =>
        r.body.correlated?.emails.length === 1 && r.body.correlated.tasks.length === 1 && r.body.correlated.provisioningLog.length === 1,
    );
    expect(body.correlated).toEqual({
      auditEntries: [expect.objectContaining({ id: 'e1', action: 'user.create', resourceType: 'user', resourceId: 'u-7' })],
      tasks: [expect.objectContaining({ id: 'task-u7', type: 'instance.delete', status: 'cancelled' })],
      provisioningLog: [expect.objectContaining({ id: 'att-1', serviceId: 'svc-1', action: 'terminate', status: 'success' })],
      emails: [expect.objectContaining({ id: 'mail-1', to: 'u7@example.test', template: 'user.deleted', status: 'queued' })],
    });
    // The task's later command had its own id: that id leads to the task too, and to nothing of the deletion.
    await record([
      { entryId: 'e-cancel', action: 'task.cancel', resourceType: 'task', resourceId: 'task-u7', correlationId: 'corr-other' },
    ]);
    const cancel = await until(
      () => get('/api/audit-log/e-cancel'),
      (r) => r.status === 200,
    );
    expect(cancel.body.correlated).toEqual({
      auditEntries: [],
      tasks: [expect.objectContaining({ id: 'task-u7' })],
      provisioningLog: [],
      emails: [],
    });
    expect((await get('/api/audit-log/e4')).body.correlated).toEqual({ auditEntries: [], tasks: [], provisioningLog: [], emails: [] });
    expect((await get('/api/audit-log/nope')).status).toBe(404);
  });

  it('exports the filtered list as CSV, a cell a spreadsheet would run as a formula neutralised', async () => {
    const csv = await get(`/api/audit-log?format=csv&${filter({ source: 'cli' })}`);
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    const lines = csv.text.trim().split('\n');
    expect(lines[0]).toBe(
      'id,sequence,occurred_at,actor_kind,actor_id,actor_email,actor_role,source,client_ip,os_user,host,action,resource_type,resource_id,correlation_id,changes',
    );
    expect(lines).toHaveLength(2);
    expect(lines[1]).toContain(`"'=HYPERLINK(""http://evil.test"",""x"")"`);
    expect(lines[1]).not.toMatch(/,=HYPERLINK|,"=HYPERLINK/);
    const edit = await get(`/api/audit-log?format=csv&${filter({ action: 'template.edit' })}`);
    expect(edit.text).toContain('"subject: ""Hi"" → ""Hello""; secretAccessKey: changed"');
  });

  it('customers are refused every audit route', async () => {
    for (const path of ['/api/audit-log', '/api/audit-log/e1', '/api/audit/verify', '/api/audit/verification'])
      expect((await get(path, customer)).status).toBe(403);
  });
});

describe('a long export', () => {
  it('streams the whole date range in keyset batches, as chunks, in list order', async () => {
    const from = base + 10 * 86_400_000;
    const count = 2_345;
    for (let i = 0; i < count; i += 200)
      await record(
        Array.from({ length: Math.min(200, count - i) }, (_, j) => ({
          entryId: `bulk-${String(i + j).padStart(5, '0')}`,
          action: 'setting.edit',
          resourceType: 'setting',
          resourceId: 'retention',
          at: from + (i + j) * 1_000,
        })),
      );
    await until(total, (n) => n === sequence, 60_000);
    const res = await fetch(
      `${gateway.url}/api/audit-log?format=csv&${filter({ from: new Date(from).toISOString(), to: new Date(from + count * 1_000).toISOString() })}`,
      { headers: { cookie: admin } },
    );
    // Streamed: no length known up front, the body arrives in pieces as the rows are read (1,000 a batch).
    expect(res.headers.get('content-length')).toBeNull();
    expect(res.headers.get('transfer-encoding')).toBe('chunked');
    let chunks = 0;
    let text = '';
    const decoder = new TextDecoder();
    for await (const chunk of res.body!) {
      chunks++;
      text += decoder.decode(chunk, { stream: true });
    }
    expect(chunks).toBeGreaterThan(1);
    const rows = text.trim().split('\n').slice(1);
    expect(rows).toHaveLength(count);
    expect(rows[0]!.split(',')[0]).toBe(`bulk-${String(count - 1).padStart(5, '0')}`);
    expect(rows.at(-1)!.split(',')[0]).toBe('bulk-00000');
    expect(new Set(rows.map((r) => r.split(',')[0])).size).toBe(count);
  });
});

describe('retention and rebuild', () => {
  it('a checkpoint removes the entries it cut off and keeps the rest', async () => {
    const before = await total();
    chainVersion = (
      await store.append(
        chain,
        [
          {
            id: uuidv7(),
            data: create(auditV1.AuditChainCheckpointedSchema, {
              throughSequence: 2n,
              throughHash: 'hash-2',
              cutoff: timestampFromDate(new Date(base + 2 * 60_000 + 1)),
              entriesRemoved: 2n,
              at: timestampFromDate(new Date()),
            }),
            occurredAt: new Date(),
          },
        ],
        chainVersion,
        auditor,
      )
    ).version;
    expect(await until(total, (n) => n === before - 2)).toBe(before - 2);
    expect(await ids({ actionPrefix: 'user.' })).toEqual(['e5']);
    expect((await get('/api/audit-log/e1')).status).toBe(404);
    const checkpoints = await pg.db.withSchema(`${nats.prefix}_audit`).selectFrom('audit_checkpoint').selectAll().execute();
    expect(checkpoints).toEqual([expect.objectContaining({ through_sequence: 2, through_hash: 'hash-2', entries_removed: 2 })]);
  });

  it('a rebuild of the read model from the stream gives the same entries', async () => {
    const snapshot = async () => (await get('/api/audit-log?format=csv')).text + JSON.stringify((await get('/api/audit-log/e3')).body);
    const before = await snapshot();
    const runner = gateway.app.get(ProjectionsHost).runners.find((r) => r.projection.name === 'audit-log')!;
    await runner.rebuild();
    const n = await until(total, (t) => t === sequence - 2, 60_000);
    expect(n).toBe(sequence - 2);
    expect(await snapshot()).toBe(before);
  });
});

describe('chain verification', () => {
  it('without an audit service answering, verify is 503 and no verdict is kept', async () => {
    expect((await get('/api/audit/verification')).body).toEqual({ verifiedAt: null });
    const res = await get('/api/audit/verify');
    expect(res.status).toBe(503);
    expect((await get('/api/audit/verification')).body).toEqual({ verifiedAt: null });
  });
});
