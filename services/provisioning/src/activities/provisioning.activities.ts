import { create } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { provisioningV1 } from '@opsledger/contracts';
import type { EventStore } from '@opsledger/eventstore';
import { activityInfo, ApplicationFailure } from '@temporalio/activity';
import { randomBytes } from 'node:crypto';
import { loadPanelServer } from '../commands/execute-panel-server-command';
import { executeServiceCommand, loadService } from '../commands/execute-service-command';
import type { Diagnosis } from '../domain/failure-diagnosis';
import { attemptRef } from '../domain/refs';
import type { SecretBox } from '../domain/secret-box';
import { mayHaveActedUnheard, runningAction } from '../domain/service.decider';
import type { ServiceAccount } from '../domain/service.events';
import { callPanel, type PanelExchange, type PanelRequest } from './panel-client';

export interface ProvisioningActivityDeps {
  store: EventStore;
  secrets: SecretBox;
  newId: () => string;
  now: () => Date;
}

export interface ActionInput {
  serviceId: string;
  dispatchId: string;
  action: provisioningV1.ProvisioningAction;
  /** The dispatch's correlation id (absent in a workflow started before it was passed). */
  correlationId?: string;
}

const WORKER = { actor: { kind: 'system' as const, id: 'provisioning-worker' }, source: 'system' as const };
/** The worker's append context, in the correlation of the dispatch it works for. */
const workerContext = (input: ActionInput) => (input.correlationId ? { ...WORKER, correlationId: input.correlationId } : WORKER);
const { ProvisioningAction: A } = provisioningV1;

/** The provisioning workflow's activities: one panel call per attempt, each recorded as a Provisioning Log entry. */
export function createProvisioningActivities(deps: ProvisioningActivityDeps) {
  /** One panel call as one Provisioning Log entry, on a subject of its own. */
  const record = async (input: ActionInput, service: ServiceAccount, attempt: number, exchange: PanelExchange) => {
    const attemptId = deps.newId();
    const at = deps.now();
    const data = create(provisioningV1.ProvisioningAttemptRecordedSchema, {
      attemptId,
      serviceId: input.serviceId,
      dispatchId: input.dispatchId,
      domain: service.domain,
      clientName: service.clientName,
      action: input.action,
      attempt,
      success: exchange.ok,
      requestJson: storableJson(exchange.request),
      responseJson: storableJson(exchange.response),
      durationMs: exchange.durationMs,
      diagnosisCode: exchange.diagnosis?.code ?? '',
      cause: exchange.diagnosis?.cause ?? '',
      fix: exchange.diagnosis?.fix ?? '',
      at: timestampFromDate(at),
    });
    await deps.store.append(attemptRef(attemptId), [{ id: deps.newId(), occurredAt: at, data }], 0, workerContext(input));
  };

  return {
    /**
     * One attempt: call the panel, record the entry, and tell Temporal
     * whether another attempt can help. A create that follows an earlier
     * try (a retry in this job, or an earlier job that failed) first asks
     * the panel for the account: that try may have created it and lost the
     * answer (a dropped connection, a 504 from a proxy while the panel
     * carried on), and creating it again would only meet "account already
     * exists".
     */
    async attemptAction(input: ActionInput): Promise<{ attempt: number }> {
      const { attempt } = activityInfo();
      const { state } = await loadService(deps.store, input.serviceId);
      if (state.status === 'absent') throw ApplicationFailure.nonRetryable(`service ${input.serviceId} not found`, 'NotFound');
      // Only the dispatch the service is running may call the panel: a replayed or superseded job stops here.
      if (runningAction(state, input.dispatchId) === undefined) {
        throw ApplicationFailure.create({
          message: `dispatch ${input.dispatchId} is not the one running for service ${input.serviceId}`,
          type: 'NotRunning',
          nonRetryable: true,
          details: ['not_running', 0],
        });
      }
      const service = state.account;
      const followUp = attempt > 1 || mayHaveActedUnheard(state, input.action);
      const { state: panel } = await loadPanelServer(deps.store, service.panelServerId);
      if (panel.status === 'absent') throw ApplicationFailure.nonRetryable(`panel-server ${service.panelServerId} not found`, 'NotFound');
      const server = {
        apiUrl: panel.apiUrl,
        apiToken: deps.secrets.open(panel.apiTokenCiphertext),
        tlsVerify: panel.tlsVerify,
        timeoutMs: panel.timeoutMs || 30_000,
      };
      const call = async (request: PanelRequest) => {
        const exchange = await callPanel(server, request);
        await record(input, service, attempt, exchange);
        if (!exchange.ok) throw attemptFailure(exchange.diagnosis!, attempt);
        return exchange;
      };
      if (input.action === A.CREATE && followUp) {
        const lookup = await call({ method: 'GET', path: accountPath(service), accept: [200, 404] });
        if (isAccountOf(service, lookup)) return { attempt };
      }
      const request = panelRequest(input.action, service, state.running?.reason ?? '');
      // A follow-up terminate that finds no account finds it already terminated (the earlier DELETE's answer was lost).
      await call(input.action === A.TERMINATE && followUp ? { ...request, accept: [200, 404] } : request);
      return { attempt };
    },

    async markSucceeded(input: ActionInput & { attempts: number }) {
      await executeServiceCommand(
        deps,
        input.serviceId,
        { kind: 'CompleteAction', dispatchId: input.dispatchId, attempts: input.attempts, now: deps.now() },
        workerContext(input),
      );
    },

    async markFailed(input: ActionInput & { attempts: number; diagnosis: string }) {
      await executeServiceCommand(
        deps,
        input.serviceId,
        { kind: 'FailAction', dispatchId: input.dispatchId, attempts: input.attempts, diagnosis: input.diagnosis, now: deps.now() },
        workerContext(input),
      );
    },
  };
}

/** A failed attempt as Temporal sees it: retryable or not, with the diagnosis code and attempt for the workflow. */
function attemptFailure(diagnosis: Diagnosis, attempt: number) {
  return ApplicationFailure.create({
    message: diagnosis.cause,
    type: diagnosis.retryable ? 'TransientPanelFailure' : 'PermanentPanelFailure',
    nonRetryable: !diagnosis.retryable,
    details: [diagnosis.code, attempt],
  });
}

/** JSON that PostgreSQL's jsonb accepts: it refuses the NUL character, which a panel's answer may carry. */
const storableJson = (value: unknown) =>
  JSON.stringify(value, (_key, v: unknown) => (typeof v === 'string' ? v.replaceAll('\0', '\uFFFD') : v));

const accountPath = (service: ServiceAccount) => `/json-api/v1/accounts/${encodeURIComponent(service.username)}`;

/** The panel holds this very account (same username and domain): created by an earlier attempt whose answer was lost. */
function isAccountOf(service: ServiceAccount, lookup: PanelExchange): boolean {
  if (!('status' in lookup.response) || lookup.response.status !== 200) return false;
  const account = (lookup.response.body as { account?: { username?: unknown; domain?: unknown } } | null)?.account;
  return account?.username === service.username && account?.domain === service.domain;
}

/** The panel call for each action; a created account gets a fresh password the log never shows. */
function panelRequest(action: provisioningV1.ProvisioningAction, service: ServiceAccount, reason: string): PanelRequest {
  const account = accountPath(service);
  switch (action) {
    case A.CREATE:
      return {
        method: 'POST',
        path: '/json-api/v1/accounts',
        body: {
          domain: service.domain,
          username: service.username,
          password: randomBytes(18).toString('base64url'),
          package: service.package,
        },
      };
    case A.SUSPEND:
      return { method: 'POST', path: `${account}/suspend`, body: { reason: reason || 'suspended from Ops Ledger' } };
    case A.UNSUSPEND:
      return { method: 'POST', path: `${account}/unsuspend`, body: {} };
    case A.TERMINATE:
      return { method: 'DELETE', path: account };
    default:
      throw ApplicationFailure.nonRetryable(`unknown action ${action}`, 'BadAction');
  }
}
