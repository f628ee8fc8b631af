import { Body, Controller, HttpCode, Inject, Param, Post, Req } from '@nestjs/common';
import { provisioningV1 } from '@opsledger/contracts';
import { CommandClient, validate } from '@opsledger/messaging';
import type { Request } from 'express';
import { z } from 'zod';
import { AdminOnly } from '../auth/auth.guard';
import { commandActor } from '../api/command-actor';
import { idempotencyKeyOf } from '../api/idempotency-key';
import { ListController } from '../api/list/list-controller';
import { ProvisioningReadModel } from './provisioning.read-model';
import { servicesResource } from './services.resource';

const ACTIONS = Object.keys(provisioningV1.provisioningActionByName) as [
  provisioningV1.ProvisioningActionName,
  ...provisioningV1.ProvisioningActionName[],
];

// Types only at the door; the provisioning service owns the rules (formats, lengths, existence).
const newService = z.object({
  domain: z.string(),
  clientName: z.string(),
  username: z.string(),
  package: z.string(),
  panelServerId: z.string(),
  clientEmail: z.string('must be text').optional(),
});
const actionBody = z.object({
  action: z.enum(ACTIONS, `must be one of ${ACTIONS.join(', ')}`),
  /** Why, for the panel where it asks (a suspension's reason); by default, who did it from where. */
  reason: z.string().trim().max(500).optional(),
});

/** Hosting accounts (admin only) and the re-trigger of their panel actions. */
@AdminOnly()
@Controller('api/services')
export class ServicesController extends ListController(servicesResource, ProvisioningReadModel, 'service') {
  constructor(@Inject(CommandClient) private readonly commands: CommandClient) {
    super();
  }

  @Post()
  @HttpCode(201)
  async create(@Body() body: unknown, @Req() req: Request) {
    const input = validate(newService, body ?? {});
    const { serviceId } = await this.commands.send(provisioningV1.RegisterServiceCommand, {
      ...commandActor(req),
      ...idempotencyKeyOf(req),
      ...input,
    });
    return { id: serviceId, ...input, clientEmail: input.clientEmail ?? '', state: 'pending', runningAction: null };
  }

  /**
   * Dispatches a fresh job for the action, independent of earlier failed
   * ones; 409 while an action is still running for this service.
   */
  @Post(':id/actions')
  @HttpCode(202)
  async dispatch(@Param('id') id: string, @Body() body: unknown, @Req() req: Request) {
    const { action, reason } = validate(actionBody, body ?? {});
    const by = `${req.principal!.email} (${req.principal!.via === 'session' ? 'console' : 'API'})`;
    const result = await this.commands.send(provisioningV1.DispatchActionCommand, {
      ...commandActor(req),
      ...idempotencyKeyOf(req),
      serviceId: id,
      action: provisioningV1.provisioningActionByName[action],
      reason: reason || `${action === 'suspend' ? 'suspended' : `${action}d`} by ${by}`,
    });
    return { id, dispatchId: result.dispatchId, action, status: 'running' };
  }
}
