import { create } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { provisioningV1 } from '@opsledger/contracts';
import type { EventStore } from '@opsledger/eventstore';
import { activityInfo, ApplicationFailure } from '@temporalio/activity';
import { randomBytes } from 'node:crypto';
import { executeServiceCommand } from '../commands/execute-service-command';
import { attemptRef, panelServerRef, serviceRef } from '../commands/refs';
import type { SecretBox } from '../domain/secret-box';
import { callPanel, type PanelRequest } from './panel-client';

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
}

const WORKER = { actor: { kind: 'system' as const, id: 'provisioning-worker' }, source: 'system' as const };
const { ProvisioningAction: A } = provisioningV1;

/** The provisioning workflow's activities: one panel call per attempt, each recorded as a Provisioning Log entry. */
export function createProvisioningActivities(deps: ProvisioningActivityDeps) {
  const first = async <T>(ref: ReturnType<typeof serviceRef>, typeName: string): Promise<T> => {
    const event = (await deps.store.read(ref)).find((e) => e.type === typeName);
    if (!event) throw ApplicationFailure.nonRetryable(`${ref.type} ${ref.id} not found`, 'NotFound');
    return event.data as T;
  };

  return {
    /** One attempt: call the panel, record the entry, and tell Temporal whether another attempt can help. */
    async attemptAction(input: ActionInput): Promise<{ attempt: number }> {
      const { attempt } = activityInfo();
      const service = await first<provisioningV1.ServiceRegistered>(
        serviceRef(input.serviceId),
        provisioningV1.ServiceRegisteredSchema.typeName,
      );
      const panel = await first<provisioningV1.PanelServerRegistered>(
        panelServerRef(service.panelServerId),
        provisioningV1.PanelServerRegisteredSchema.typeName,
      );
      const exchange = await callPanel(
        {
          apiUrl: panel.apiUrl,
          apiToken: deps.secrets.open(panel.apiTokenCiphertext),
          tlsVerify: panel.tlsVerify,
          timeoutMs: panel.timeoutMs || 30_000,
        },
        panelRequest(input.action, service),
      );
      const attemptId = deps.newId();
      const at = deps.now();
      await deps.store.append(
        attemptRef(attemptId),
        [
          {
            id: deps.newId(),
            occurredAt: at,
            data: create(provisioningV1.ProvisioningAttemptRecordedSchema, {
              attemptId,
              serviceId: input.serviceId,
              dispatchId: input.dispatchId,
              domain: service.domain,
              clientName: service.clientName,
              action: input.action,
              attempt,
              success: exchange.ok,
              requestJson: JSON.stringify(exchange.request),
              responseJson: JSON.stringify(exchange.response),
              durationMs: exchange.durationMs,
              diagnosisCode: exchange.diagnosis?.code ?? '',
              cause: exchange.diagnosis?.cause ?? '',
              fix: exchange.diagnosis?.fix ?? '',
              at: timestampFromDate(at),
            }),
          },
        ],
        0,
        WORKER,
      );
      if (exchange.ok) return { attempt };
      const diagnosis = exchange.diagnosis!;
      throw ApplicationFailure.create({
        message: diagnosis.cause,
        type: diagnosis.retryable ? 'TransientPanelFailure' : 'PermanentPanelFailure',
        nonRetryable: !diagnosis.retryable,
        details: [diagnosis.code, attempt],
      });
    },

    async markSucceeded(input: ActionInput & { attempts: number }) {
      await executeServiceCommand(
        deps,
        input.serviceId,
        { kind: 'CompleteAction', dispatchId: input.dispatchId, attempts: input.attempts, now: deps.now() },
        WORKER,
      );
    },

    async markFailed(input: ActionInput & { attempts: number; diagnosis: string }) {
      await executeServiceCommand(
        deps,
        input.serviceId,
        { kind: 'FailAction', dispatchId: input.dispatchId, attempts: input.attempts, diagnosis: input.diagnosis, now: deps.now() },
        WORKER,
      );
    },
  };
}

/** The panel call for each action; a created account gets a fresh password the log never shows. */
function panelRequest(action: provisioningV1.ProvisioningAction, service: provisioningV1.ServiceRegistered): PanelRequest {
  const account = `/json-api/v1/accounts/${encodeURIComponent(service.username)}`;
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
      return { method: 'POST', path: `${account}/suspend`, body: { reason: 'suspended by billing' } };
    case A.UNSUSPEND:
      return { method: 'POST', path: `${account}/unsuspend`, body: {} };
    case A.TERMINATE:
      return { method: 'DELETE', path: account };
    default:
      throw ApplicationFailure.nonRetryable(`unknown action ${action}`, 'BadAction');
  }
}
