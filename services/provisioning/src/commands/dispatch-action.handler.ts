import { provisioningV1 } from '@opsledger/contracts';
import { actorSchema, type CommandHandler, opaqueIdSchema } from '@opsledger/messaging';
import { commandContext } from '@opsledger/service-runtime';
import { z } from 'zod';
import { executeServiceCommand } from './execute-service-command';
import type { RegisterServiceDeps } from './register-service.handler';

const { ProvisioningAction: A } = provisioningV1;

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
      const dispatchId = deps.newId();
      await executeServiceCommand(
        deps,
        command.serviceId,
        { kind: 'DispatchAction', dispatchId, action: command.action, reason: command.reason ?? '', now: deps.now() },
        commandContext(command, meta),
      );
      return { serviceId: command.serviceId, dispatchId };
    },
  };
}
