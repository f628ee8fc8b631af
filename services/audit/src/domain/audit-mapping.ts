import { type DescMessage, type MessageShape, toJson } from '@bufbuild/protobuf';
import { type Timestamp, timestampDate } from '@bufbuild/protobuf/wkt';
import { auditV1, emailV1, identityV1, loginsV1, provisioningV1, schedulerV1, settingsV1, tasksV1 } from '@opsledger/contracts';
import type { ResourceState } from './diff';

/**
 * How each event type becomes an audit entry: THE table. One row per event
 * type of every context (the coverage test fails when the registry has a type
 * without a row). A row either names the action (`resource.verb`), the
 * resource and the fields of the diff, or says the type is only ever caused by
 * the system on its own (a workflow step, a projection, the service itself),
 * and why: those never become entries, though some still feed the remembered
 * state a later edit is diffed against.
 *
 * An `audited` row makes an entry only when a person or a program caused the
 * event: any staff, customer or API actor, or a CLI run (`system:<user>@<host>`
 * with source cli). The system acting on its own (actor system, source system,
 * e.g. a scheduler job) is not an admin action.
 */
export interface AuditedRow<D = any> {
  kind: 'audited';
  /** `resource.verb`; a function when the verb depends on the event (a test send vs a send). */
  action: string | ((data: D) => string);
  resourceType: string;
  resourceId: (data: D) => string;
  /** The resource's fields after the event, as JSON values: what the diff compares with the remembered state. */
  state?: (data: D) => ResourceState;
  /** The state is the resource's whole state: a remembered field missing from it was removed. */
  replaces?: boolean;
}

export interface SystemRow<D = any> {
  kind: 'system';
  why: string;
  /** System events that still set the state a later edit is diffed against (a shipped template, a registered job). */
  resourceType?: string;
  resourceId?: (data: D) => string;
  state?: (data: D) => ResourceState;
  replaces?: boolean;
}

export type MappingRow = AuditedRow | SystemRow;

const iso = (t: Timestamp | undefined) => (t ? timestampDate(t).toISOString() : undefined);

function audited<S extends DescMessage>(schema: S, row: Omit<AuditedRow<MessageShape<S>>, 'kind'>): [string, MappingRow] {
  return [schema.typeName, { kind: 'audited', ...row }];
}

function system<S extends DescMessage>(
  schema: S,
  why: string,
  state?: Omit<SystemRow<MessageShape<S>>, 'kind' | 'why'>,
): [string, MappingRow] {
  return [schema.typeName, { kind: 'system', why, ...state }];
}

/** A template's content flattened to fields: subject, html, and one field per token (`tokens.<path>`). */
function templateState(content: emailV1.TemplateContent | undefined): ResourceState {
  const state: ResourceState = { subject: content?.subject ?? '', html: content?.html ?? '' };
  for (const t of content?.tokens ?? []) state[`tokens.${t.path}`] = { description: t.description, sample: t.sampleJson };
  return state;
}

const ROLE: Record<number, string> = { 1: 'admin', 2: 'customer' };
const roleName = (role: number) => ROLE[role] ?? 'unspecified';
const PROVISIONING_ACTION = (a: number) => provisioningV1.ProvisioningAction[a]?.toLowerCase() ?? String(a);

export const AUDIT_MAPPING: ReadonlyMap<string, MappingRow> = new Map<string, MappingRow>([
  // audit: the chain itself
  system(auditV1.AuditEntryRecordedSchema, 'the audit service recording an entry'),
  system(auditV1.AuditChainCheckpointedSchema, 'the audit.retention job removing old entries'),

  // email
  system(emailV1.DefaultTemplateRegisteredSchema, 'a shipped template seeded by the email service at start', {
    resourceType: 'template',
    resourceId: (d) => d.name,
    state: (d) => templateState(d.content),
    replaces: true,
  }),
  audited(emailV1.TemplateCreatedSchema, {
    action: 'template.create',
    resourceType: 'template',
    resourceId: (d) => d.name,
    state: (d) => ({ description: d.description, ...templateState(d.content) }),
    replaces: true,
  }),
  audited(emailV1.TemplateEditedSchema, {
    action: 'template.edit',
    resourceType: 'template',
    resourceId: (d) => d.name,
    state: (d) => templateState(d.content),
    replaces: true,
  }),
  audited(emailV1.TemplateResetSchema, {
    action: 'template.reset',
    resourceType: 'template',
    resourceId: (d) => d.name,
    state: (d) => templateState(d.content),
    replaces: true,
  }),
  audited(emailV1.EmailQueuedSchema, {
    action: (d) => (d.test ? 'email.send-test' : 'email.send'),
    resourceType: 'email',
    resourceId: (d) => d.emailId,
    state: (d) => ({ template: d.template, template_version: d.templateVersion, to: d.to }),
  }),
  system(emailV1.EmailAttemptFailedSchema, 'a delivery attempt by the email workflow'),
  system(emailV1.EmailSentSchema, 'the email workflow’s delivery'),
  system(emailV1.EmailFailedSchema, 'the email workflow giving up'),
  // Settings → Retention's prune: the email.retention job runs it as the system (no entry); a person sending it is audited.
  audited(emailV1.EmailLogPrunedSchema, {
    action: 'email-log.prune',
    resourceType: 'email-log',
    resourceId: (d) => d.pruneId,
    state: (d) => ({
      before: iso(d.before) ?? null,
      emails: Number(d.emails),
      events_purged: Number(d.eventsPurged),
      retention_days: d.retentionDays,
    }),
  }),

  // identity
  audited(identityV1.AccountCreatedSchema, {
    action: 'user.create',
    resourceType: 'user',
    resourceId: (d) => d.accountId,
    state: (d) => ({ email: d.email, name: d.name, role: roleName(d.role), disabled: false }),
  }),
  audited(identityV1.AccountDisabledSchema, {
    action: 'user.disable',
    resourceType: 'user',
    resourceId: (d) => d.accountId,
    state: () => ({ disabled: true }),
  }),
  audited(identityV1.AccountEnabledSchema, {
    action: 'user.enable',
    resourceType: 'user',
    resourceId: (d) => d.accountId,
    state: () => ({ disabled: false }),
  }),
  audited(identityV1.AccountDeletedSchema, {
    action: 'user.delete',
    resourceType: 'user',
    resourceId: (d) => d.accountId,
    state: (d) => ({ deleted: true, email: d.email, role: roleName(d.role) }),
  }),
  audited(identityV1.AccountRoleChangedSchema, {
    action: 'user.role-change',
    resourceType: 'user',
    resourceId: (d) => d.accountId,
    state: (d) => ({ role: roleName(d.to) }),
  }),
  audited(identityV1.AccountRenamedSchema, {
    action: 'user.rename',
    resourceType: 'user',
    resourceId: (d) => d.accountId,
    state: (d) => ({ name: d.to }),
  }),
  audited(identityV1.AccountPasswordChangedSchema, {
    action: 'user.password-change',
    resourceType: 'user',
    resourceId: (d) => d.accountId,
    // Never a value: the field's digest changes with every change, so the diff says `changed`.
    state: (d) => ({ password: iso(d.changedAt) ?? 'changed' }),
  }),
  audited(identityV1.ApiTokenCreatedSchema, {
    action: 'api-token.create',
    resourceType: 'api-token',
    resourceId: (d) => d.tokenId,
    state: (d) => ({ account_id: d.accountId, name: d.name, expires_at: iso(d.expiresAt) ?? null }),
  }),
  audited(identityV1.ApiTokenRevokedSchema, {
    action: 'api-token.revoke',
    resourceType: 'api-token',
    resourceId: (d) => d.tokenId,
    state: () => ({ revoked: true }),
  }),

  // logins
  system(loginsV1.LoginAttemptedSchema, 'a sign-in attempt: the IP Log’s record (services/logins), not an admin action'),
  system(loginsV1.LoginAttemptLocatedSchema, 'the logins service locating an attempt’s address'),
  system(loginsV1.LoginAttackSuspectedSchema, 'the logins service blocking a brute force'),
  system(loginsV1.LoginNewLocationSchema, 'the logins service noticing a sign-in from a new place'),
  // Settings → Retention's prune: the logins.retention job runs it as the system (no entry); a person sending it is audited.
  audited(loginsV1.IpLogPrunedSchema, {
    action: 'ip-log.prune',
    resourceType: 'ip-log',
    resourceId: (d) => d.pruneId,
    state: (d) => ({
      before: iso(d.before) ?? null,
      attempts: Number(d.attempts),
      events_purged: Number(d.eventsPurged),
      retention_days: d.retentionDays,
    }),
  }),
  audited(loginsV1.LoginBlockLiftedSchema, {
    action: 'login-block.lift',
    resourceType: 'login-block',
    resourceId: (d) => d.blockId,
    state: (d) => ({ scope: d.scope, key: d.key, lifted: true }),
  }),

  // provisioning
  audited(provisioningV1.ServiceRegisteredSchema, {
    action: 'service.register',
    resourceType: 'service',
    resourceId: (d) => d.serviceId,
    state: (d) => ({
      domain: d.domain,
      client_name: d.clientName,
      client_email: d.clientEmail,
      username: d.username,
      package: d.package,
      panel_server_id: d.panelServerId,
    }),
  }),
  audited(provisioningV1.ActionDispatchedSchema, {
    action: 'provisioning.dispatch',
    resourceType: 'service',
    resourceId: (d) => d.serviceId,
    state: (d) => ({ dispatched_action: PROVISIONING_ACTION(d.action), dispatch_id: d.dispatchId, reason: d.reason }),
  }),
  system(provisioningV1.ActionSucceededSchema, 'the provisioning workflow’s outcome'),
  system(provisioningV1.ActionFailedSchema, 'the provisioning workflow’s outcome'),
  system(provisioningV1.ProvisioningAttemptRecordedSchema, 'one panel call of the provisioning workflow'),
  audited(provisioningV1.PanelServerRegisteredSchema, {
    action: 'provisioning.panel-server.register',
    resourceType: 'panel-server',
    resourceId: (d) => d.panelServerId,
    state: (d) => ({
      name: d.name,
      api_url: d.apiUrl,
      api_token_ciphertext: d.apiTokenCiphertext,
      tls_verify: d.tlsVerify,
      timeout_ms: d.timeoutMs,
    }),
  }),
  audited(provisioningV1.ProvisioningLogPrunedSchema, {
    action: 'provisioning.prune',
    resourceType: 'provisioning-log',
    resourceId: (d) => d.pruneId,
    state: (d) => ({ before: iso(d.before) ?? null, entries: Number(d.entries), events_purged: Number(d.eventsPurged) }),
  }),

  // scheduler
  system(schedulerV1.JobRegisteredSchema, 'the scheduler registering its jobs at start', {
    resourceType: 'job',
    resourceId: (d) => d.jobId,
    state: (d) => ({ cron: d.cron, timezone: d.timezone }),
  }),
  audited(schedulerV1.JobScheduleChangedSchema, {
    action: 'job.schedule-edit',
    resourceType: 'job',
    resourceId: (d) => d.jobId,
    state: (d) => ({ cron: d.cron, timezone: d.timezone }),
  }),
  audited(schedulerV1.JobPausedSchema, {
    action: 'job.pause',
    resourceType: 'job',
    resourceId: (d) => d.jobId,
    state: () => ({ paused: true }),
  }),
  audited(schedulerV1.JobResumedSchema, {
    action: 'job.resume',
    resourceType: 'job',
    resourceId: (d) => d.jobId,
    state: () => ({ paused: false }),
  }),
  audited(schedulerV1.JobRunRequestedSchema, { action: 'job.run-now', resourceType: 'job', resourceId: (d) => d.jobId }),
  system(schedulerV1.JobRunStartedSchema, 'a run started by its Temporal schedule or by a Run now request'),
  system(schedulerV1.JobRunFinishedSchema, 'a run’s outcome'),
  system(schedulerV1.HourlyChargeRequestedSchema, 'the billing.hourly-charge job'),
  audited(schedulerV1.InstanceBackupChangedSchema, {
    action: 'instance.backup-edit',
    resourceType: 'instance',
    resourceId: (d) => d.instanceId,
    state: (d) => ({ daily_backup: d.daily }),
  }),

  // settings
  audited(settingsV1.EmailSettingsChangedSchema, {
    action: 'setting.edit',
    resourceType: 'setting',
    resourceId: () => 'email',
    state: (d) => ({
      region: d.region,
      endpoint: d.endpoint,
      sender: d.sender,
      credentials_ciphertext: d.credentialsCiphertext,
      access_key_id_hint: d.accessKeyIdHint,
    }),
  }),
  audited(settingsV1.SecuritySettingsChangedSchema, {
    action: 'setting.edit',
    resourceType: 'setting',
    resourceId: () => 'security',
    state: (d) => {
      const json = toJson(settingsV1.SecuritySettingsChangedSchema, d, { alwaysEmitImplicit: true }) as Record<string, unknown>;
      return {
        trusted_proxies: json.trustedProxies ?? [],
        notifications: json.notifications ?? null,
        brute_force: json.bruteForce ?? null,
      };
    },
  }),
  audited(settingsV1.RetentionSettingsChangedSchema, {
    action: 'setting.edit',
    resourceType: 'setting',
    resourceId: () => 'retention',
    state: (d) => ({ audit_days: d.auditDays, email_log_days: d.emailLogDays, ip_log_days: d.ipLogDays }),
  }),

  // tasks
  audited(tasksV1.TaskCreatedSchema, {
    action: 'task.create',
    resourceType: 'task',
    resourceId: (d) => d.taskId,
    state: (d) => ({ type: d.type, params: d.params ?? {}, attempt: d.attempt }),
  }),
  system(tasksV1.TaskStartedSchema, 'the task workflow starting'),
  system(tasksV1.TaskProgressedSchema, 'the task workflow’s progress'),
  system(tasksV1.TaskLoggedSchema, 'the task workflow’s log line'),
  system(tasksV1.TaskCompletedSchema, 'the task workflow’s outcome'),
  system(tasksV1.TaskFailedSchema, 'the task workflow’s outcome'),
  audited(tasksV1.TaskCancelledSchema, {
    action: 'task.cancel',
    resourceType: 'task',
    resourceId: (d) => d.taskId,
    state: (d) => ({ cancelled: true, reason: d.reason }),
  }),
  audited(tasksV1.TaskRetriedSchema, {
    action: 'task.retry',
    resourceType: 'task',
    resourceId: (d) => d.taskId,
    state: (d) => ({ attempt: d.attempt }),
  }),
]);
