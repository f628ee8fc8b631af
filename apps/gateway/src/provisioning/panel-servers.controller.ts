import { Body, Controller, HttpCode, Inject, Post, Req } from '@nestjs/common';
import { provisioningV1 } from '@opsledger/contracts';
import { CommandClient, validate } from '@opsledger/messaging';
import type { Request } from 'express';
import { z } from 'zod';
import { AdminOnly } from '../auth/auth.guard';
import { commandActor } from '../api/command-actor';
import { idempotencyKeyOf } from '../api/idempotency-key';
import { ListController } from '../api/list/list-controller';
import { ProvisioningReadModel } from './provisioning.read-model';
import { panelServersResource } from './panel-servers.resource';

// Types only at the door; the provisioning service owns the rules.
const newPanelServer = z.object({
  name: z.string(),
  apiUrl: z.string(),
  apiToken: z.string(),
  tlsVerify: z.boolean('must be true or false').optional(),
  // Encodable as the command's uint32; the service then checks its range.
  timeoutMs: z.int('must be a whole number of milliseconds').min(0).max(0xffff_ffff).optional(),
});

/** Hosting panels (admin only). The API token goes in once and never comes back out. */
@AdminOnly()
@Controller('api/panel-servers')
export class PanelServersController extends ListController(panelServersResource, ProvisioningReadModel, 'panel server') {
  constructor(@Inject(CommandClient) private readonly commands: CommandClient) {
    super();
  }

  @Post()
  @HttpCode(201)
  async create(@Body() body: unknown, @Req() req: Request) {
    const { apiToken, ...input } = validate(newPanelServer, body ?? {});
    const { panelServerId } = await this.commands.send(provisioningV1.RegisterPanelServerCommand, {
      ...commandActor(req),
      ...idempotencyKeyOf(req),
      ...input,
      apiToken,
    });
    return { id: panelServerId, ...input, tlsVerify: input.tlsVerify ?? true };
  }
}
