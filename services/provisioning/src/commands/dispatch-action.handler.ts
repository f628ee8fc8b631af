import { provisioningV1 } from '@opsledger/contracts';
import { actorSchema, type CommandHandler, opaqueIdSchema } from '@opsledger/messaging';
import { commandContext, creationIds } from '@opsledger/service-runtime';
import { IdempotencyKeyReused } from '@opsledger/eventstore';
import { serviceRef } from '../domain/refs';
import { z } from 'zod';
import { executeServiceCommand } from './execute-service-command';
import type { RegisterServiceDeps } from './register-service.handler';

const { ProvisioningAction: A } = provisioningV1;
type ActionDispatched = provisioningV1.ActionDispatched;

export const dispatchActionSchema = z.object({
  actor: actorSchema,
  serviceId: opaqueIdSchema,
  action: z.union([z.literal(A.CREATE), z.literal(A.SUSPEND), z.literal(A.UNSUSPEND), z.literal(A.TERMINATE)], {
    error: 'must be one of create, suspend, unsuspend, terminate',
  }),
  reason: z.string().max(500).optional(),
});

/**
 * Dispatches a fresh job for one action: its attempts are new log entries,
 * independent of earlier failed jobs. The decider refuses (409) while an
 * action is still running for the service; the workflow itself is started
 * from the ActionDispatched event, not from here.
 */
export function dispatchActionHandler(
  deps: RegisterServiceDeps,
): CommandHandler<typeof provisioningV1.DispatchActionCommand.command, typeof provisioningV1.DispatchActionCommand.result> {
  return {
    definition: provisioningV1.DispatchActionCommand,
    schema: dispatchActionSchema,
    async handle(command, meta) {
      // With an Idempotency-Key the dispatch id comes from it (and the service): a retry finds the job it started.
      const { aggregateId: dispatchId, idempotent } = creationIds(
        provisioningV1.DispatchActionCommand.command,
        command,
        meta,
        deps.newId,
        command.serviceId,
      );
      if (idempotent) {
        const earlier = (await deps.store.read(serviceRef(command.serviceId))).find(
          (e) => e.data.$typeName === 'platform.provisioning.v1.ActionDispatched' && (e.data as ActionDispatched).dispatchId === dispatchId,
        );
        if (earlier?.id === idempotent.eventId(0)) return { serviceId: command.serviceId, dispatchId };
        if (earlier)
          throw new IdempotencyKeyReused(
            `Idempotency-Key ${JSON.stringify(idempotent.key)} was already used for a different request; send a new key for a new request`,
          );
      }
      await executeServiceCommand(
        deps,
        command.serviceId,
        { kind: 'DispatchAction', dispatchId, action: command.action, reason: command.reason ?? '', now: deps.now() },
        commandContext(command, meta),
        idempotent,
      );
      return { serviceId: command.serviceId, dispatchId };
    },
  };
}
