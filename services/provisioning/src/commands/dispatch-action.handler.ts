import { provisioningV1 } from '@opsledger/contracts';
import { actorOf, sourceOf } from '@opsledger/eventstore';
import { actorSchema, type CommandHandler, opaqueIdSchema } from '@opsledger/messaging';
import { z } from 'zod';
import { asCommandError } from './command-errors';
import { executeServiceCommand } from './execute-service-command';
import type { RegisterServiceDeps } from './register-service.handler';

const { ProvisioningAction: A } = provisioningV1;

export const dispatchActionSchema = z.object({
  actor: actorSchema,
  serviceId: opaqueIdSchema,
  action: z.union([z.literal(A.CREATE), z.literal(A.SUSPEND), z.literal(A.UNSUSPEND), z.literal(A.TERMINATE)], {
    error: 'must be one of create, suspend, unsuspend, terminate',
  }),
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
      await asCommandError(() =>
        executeServiceCommand(
          deps,
          command.serviceId,
          { kind: 'DispatchAction', dispatchId, action: command.action, now: deps.now() },
          { actor: actorOf(command.actor), source: sourceOf(command.source), traceparent: meta.traceparent },
        ),
      );
      return { serviceId: command.serviceId, dispatchId };
    },
  };
}
