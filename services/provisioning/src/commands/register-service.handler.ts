import { provisioningV1 } from '@opsledger/contracts';
import { actorSchema, type CommandHandler, opaqueIdSchema, ValidationError } from '@opsledger/messaging';
import { commandContext, creationIds } from '@opsledger/service-runtime';
import { z } from 'zod';
import { executeServiceCommand, type ServiceCommandDeps } from './execute-service-command';
import { panelServerRef } from '../domain/refs';

export interface RegisterServiceDeps extends ServiceCommandDeps {
  now: () => Date;
}

export const registerServiceSchema = z.object({
  actor: actorSchema,
  domain: z
    .string()
    .max(253)
    .regex(/^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/, 'must be a lower-case domain name, e.g. shop.example.com'),
  clientName: z.string().trim().min(1).max(200),
  // Hosting panels (cPanel/WHM and alike) take short lower-case usernames starting with a letter.
  username: z.string().regex(/^[a-z][a-z0-9]{0,15}$/, 'must be 1–16 lower-case letters or digits, starting with a letter'),
  package: z.string().min(1).max(64),
  panelServerId: opaqueIdSchema,
  // Optional: where the client's notices go (instance.suspended); empty means none.
  clientEmail: z.union([z.literal(''), z.email('must be an email address, or empty for none').max(254)]),
});

/** Registers a hosting account on a known panel server, not yet created there (state pending). */
export function registerServiceHandler(
  deps: RegisterServiceDeps,
): CommandHandler<typeof provisioningV1.RegisterServiceCommand.command, typeof provisioningV1.RegisterServiceCommand.result> {
  return {
    definition: provisioningV1.RegisterServiceCommand,
    schema: registerServiceSchema,
    async handle(command, meta) {
      if ((await deps.store.read(panelServerRef(command.panelServerId))).length === 0) {
        throw new ValidationError([{ field: 'panelServerId', rule: 'exists', message: `no panel server ${command.panelServerId}` }]);
      }
      // With an Idempotency-Key the id comes from it: a retry of the same request finds the service it made.
      const { aggregateId: serviceId, idempotent } = creationIds(provisioningV1.RegisterServiceCommand.command, command, meta, deps.newId);
      await executeServiceCommand(
        deps,
        serviceId,
        {
          kind: 'RegisterService',
          serviceId,
          domain: command.domain,
          clientName: command.clientName.trim(),
          username: command.username,
          package: command.package,
          panelServerId: command.panelServerId,
          clientEmail: command.clientEmail.toLowerCase(),
          now: deps.now(),
        },
        commandContext(command, meta),
        idempotent,
      );
      return { serviceId };
    },
  };
}
