// The coverage test: every event type any context can store has a row in the audit mapping, so a new event (or a
// new context) cannot slip past the audit log unnoticed. And the rows say what they should for the main actions.
import { create } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { emailV1, eventRegistry, identityV1, loginsV1, provisioningV1, schedulerV1, settingsV1, tasksV1 } from '@opsledger/contracts';
import type { StoredEvent } from '@opsledger/eventstore';
import { describe, expect, it } from 'vitest';
import { recognise } from './audit-entry';
import { AUDIT_MAPPING } from './audit-mapping';

const registered = [...eventRegistry].filter((d) => d.kind === 'message').map((d) => d.typeName);

describe('mapping coverage', () => {
  it('every event type in the registry has a row (audited, or listed as caused by the system alone)', () => {
    expect(registered.length).toBeGreaterThan(30);
    expect(registered.filter((t) => !AUDIT_MAPPING.has(t))).toEqual([]);
  });

  it('has no row for a type the registry does not know (a renamed event would leave one behind)', () => {
    expect([...AUDIT_MAPPING.keys()].filter((t) => !registered.includes(t))).toEqual([]);
  });

  it('every audited row names its action as resource.verb', () => {
    for (const [type, row] of AUDIT_MAPPING) {
      if (row.kind !== 'audited' || typeof row.action !== 'string') continue;
      expect(row.action, type).toMatch(/^[a-z-]+(\.[a-z-]+)+$/);
    }
  });
});

const at = new Date('2026-11-20T10:00:00Z');
function stored(data: { $typeName: string }, over: Partial<StoredEvent> = {}): StoredEvent {
  return {
    id: 'evt-1',
    type: data.$typeName,
    data: data as never,
    occurredAt: at,
    aggregateId: 'agg',
    subject: 'evt.x.y.agg',
    streamSeq: 1,
    actor: { kind: 'staff', id: 'admin-1' },
    source: 'console',
    traceparent: undefined,
    correlationId: 'corr-1',
    ...over,
  };
}
const view = (data: { $typeName: string }, over: Partial<StoredEvent> = {}, previous?: Record<string, unknown>) =>
  recognise(stored(data, over), AUDIT_MAPPING.get(data.$typeName), { stream: 'X', ...(previous ? { previous } : {}) });

describe('rows (given an event, when recognised, then the entry)', () => {
  const cases: [string, { $typeName: string }, string, string, string][] = [
    ['task create', create(tasksV1.TaskCreatedSchema, { taskId: 't1', type: 'deploy' }), 'task.create', 'task', 't1'],
    ['task cancel', create(tasksV1.TaskCancelledSchema, { taskId: 't1' }), 'task.cancel', 'task', 't1'],
    ['task retry', create(tasksV1.TaskRetriedSchema, { taskId: 't1', attempt: 2 }), 'task.retry', 'task', 't1'],
    [
      'panel server',
      create(provisioningV1.PanelServerRegisteredSchema, { panelServerId: 'p1' }),
      'provisioning.panel-server.register',
      'panel-server',
      'p1',
    ],
    ['service', create(provisioningV1.ServiceRegisteredSchema, { serviceId: 's1' }), 'service.register', 'service', 's1'],
    [
      'dispatch',
      create(provisioningV1.ActionDispatchedSchema, { serviceId: 's1', dispatchId: 'd1' }),
      'provisioning.dispatch',
      'service',
      's1',
    ],
    ['prune', create(provisioningV1.ProvisioningLogPrunedSchema, { pruneId: 'pr1' }), 'provisioning.prune', 'provisioning-log', 'pr1'],
    ['email log prune', create(emailV1.EmailLogPrunedSchema, { pruneId: 'ep1' }), 'email-log.prune', 'email-log', 'ep1'],
    ['ip log prune', create(loginsV1.IpLogPrunedSchema, { pruneId: 'ip1' }), 'ip-log.prune', 'ip-log', 'ip1'],
    ['run now', create(schedulerV1.JobRunRequestedSchema, { jobId: 'j1' }), 'job.run-now', 'job', 'j1'],
    ['pause', create(schedulerV1.JobPausedSchema, { jobId: 'j1' }), 'job.pause', 'job', 'j1'],
    ['resume', create(schedulerV1.JobResumedSchema, { jobId: 'j1' }), 'job.resume', 'job', 'j1'],
    ['cron edit', create(schedulerV1.JobScheduleChangedSchema, { jobId: 'j1', cron: '0 * * * *' }), 'job.schedule-edit', 'job', 'j1'],
    ['template create', create(emailV1.TemplateCreatedSchema, { name: 'a.b' }), 'template.create', 'template', 'a.b'],
    ['template edit', create(emailV1.TemplateEditedSchema, { name: 'a.b' }), 'template.edit', 'template', 'a.b'],
    ['template reset', create(emailV1.TemplateResetSchema, { name: 'a.b' }), 'template.reset', 'template', 'a.b'],
    ['send test', create(emailV1.EmailQueuedSchema, { emailId: 'e1', test: true }), 'email.send-test', 'email', 'e1'],
    ['email settings', create(settingsV1.EmailSettingsChangedSchema, { region: 'eu-west-1' }), 'setting.edit', 'setting', 'email'],
    ['retention', create(settingsV1.RetentionSettingsChangedSchema, { auditDays: 30 }), 'setting.edit', 'setting', 'retention'],
    ['user create', create(identityV1.AccountCreatedSchema, { accountId: 'u1' }), 'user.create', 'user', 'u1'],
    ['user delete', create(identityV1.AccountDeletedSchema, { accountId: 'u1' }), 'user.delete', 'user', 'u1'],
    ['token revoke', create(identityV1.ApiTokenRevokedSchema, { tokenId: 'k1' }), 'api-token.revoke', 'api-token', 'k1'],
  ];
  it.each(cases)('%s', (_, data, action, resourceType, resourceId) => {
    expect(view(data).draft).toMatchObject({ action, resourceType, resourceId, correlationId: 'corr-1', sourceEventType: data.$typeName });
  });

  it('the system acting on its own (actor system, source system) makes no entry, even for an audited type', () => {
    expect(
      view(create(tasksV1.TaskCreatedSchema, { taskId: 't1' }), { actor: { kind: 'system', id: 'scheduler' }, source: 'system' }).draft,
    ).toBe(undefined);
  });

  it('a system-only type makes no entry even when a person caused it', () => {
    expect(view(create(tasksV1.TaskStartedSchema, { taskId: 't1' })).draft).toBe(undefined);
  });

  it('a CLI run is an entry with source cli and the OS user and host from its actor', () => {
    const draft = view(create(provisioningV1.ProvisioningLogPrunedSchema, { pruneId: 'pr1' }), {
      actor: { kind: 'system', id: 'ops@bastion-1' },
      source: 'cli',
    }).draft!;
    expect(draft).toMatchObject({ action: 'provisioning.prune', source: 3, osUser: 'ops', host: 'bastion-1', actorRole: 'system' });
  });

  it('an edit diffs old and new per field against the remembered state; a sensitive field is only `changed`', () => {
    const first = view(
      create(settingsV1.EmailSettingsChangedSchema, {
        region: 'eu-west-1',
        sender: 'a@x.test',
        credentialsCiphertext: 'c1',
        at: timestampFromDate(at),
      }),
    );
    const second = view(
      create(settingsV1.EmailSettingsChangedSchema, { region: 'eu-west-2', sender: 'a@x.test', credentialsCiphertext: 'c2' }),
      {},
      first.resource!.state,
    );
    expect(second.draft!.diff.map(({ field, oldValue, newValue, sensitive }) => ({ field, oldValue, newValue, sensitive }))).toEqual([
      { field: 'credentials_ciphertext', oldValue: '', newValue: '', sensitive: true },
      { field: 'region', oldValue: '"eu-west-1"', newValue: '"eu-west-2"', sensitive: false },
    ]);
    expect(JSON.stringify(first.resource!.state)).not.toContain('c1');
  });

  it('a template edit diffs its tokens; a secret-named token is `changed` with no value', () => {
    const content = (html: string, sample: string) => ({
      subject: 'Hi',
      html,
      tokens: [{ path: 'user.api_secret', description: 'the key', sampleJson: sample }],
    });
    const shipped = view(create(emailV1.DefaultTemplateRegisteredSchema, { name: 't', content: content('<p>a</p>', '"s3cr3t-old"') }), {
      actor: { kind: 'system', id: 'email' },
      source: 'system',
    });
    expect(shipped.draft).toBe(undefined);
    const edited = view(
      create(emailV1.TemplateEditedSchema, { name: 't', content: content('<p>b</p>', '"s3cr3t-new"') }),
      {},
      shipped.resource!.state,
    );
    expect(edited.draft!.diff.map((c) => [c.field, c.sensitive])).toEqual([
      ['html', false],
      ['tokens.user.api_secret', true],
    ]);
    expect(JSON.stringify(edited, (_, v: unknown) => (typeof v === 'bigint' ? String(v) : v))).not.toMatch(/s3cr3t/);
  });
});
