import { Body, Controller, Get, HttpCode, Inject, Param, Post, Query, Req, Res } from '@nestjs/common';
import { provisioningV1 } from '@opsledger/contracts';
import { CommandClient, NotFoundError, validate } from '@opsledger/messaging';
import type { Request, Response } from 'express';
import { z } from 'zod';
import { AdminOnly } from '../../auth/auth.guard';
import { ACTION_BY_NAME } from '../../projections/provisioning/action-names';
import { commandActor } from '../command-actor';
import { parseListQuery } from '../list/list-query';
import type { ListReader } from '../list/list-reader';
import { respondList } from '../list/list-responder';
import { PROVISIONING_READER } from '../read-models.tokens';
import { servicesResource } from './services.resource';

// Types only at the door; the provisioning service owns the rules (formats, lengths, existence).
const newService = z.object({
  domain: z.string(),
  clientName: z.string(),
  username: z.string(),
  package: z.string(),
  panelServerId: z.string(),
});
const actionBody = z.object({
  action: z.enum(['create', 'suspend', 'unsuspend', 'terminate'], 'must be one of create, suspend, unsuspend, terminate'),
});

/** Hosting accounts (admin only) and the re-trigger of their panel actions. */
@AdminOnly()
@Controller('api/services')
export class ServicesController {
  constructor(
    @Inject(PROVISIONING_READER) private readonly reader: ListReader,
    @Inject(CommandClient) private readonly commands: CommandClient,
  ) {}

  @Get()
  async list(@Query() query: Record<string, unknown>, @Req() req: Request, @Res() res: Response) {
    await respondList(this.reader, servicesResource, parseListQuery(servicesResource, query), req.principal!, req, res);
  }

  @Get(':id')
  async one(@Param('id') id: string, @Req() req: Request) {
    const service = await this.reader.one(servicesResource, id, req.principal!);
    if (!service) throw new NotFoundError(`service ${id} not found`);
    return service;
  }

  @Post()
  @HttpCode(201)
  async create(@Body() body: unknown, @Req() req: Request) {
    const input = validate(newService, body ?? {});
    const { serviceId } = await this.commands.send(provisioningV1.RegisterServiceCommand, { ...commandActor(req), ...input });
    return { id: serviceId, ...input, state: 'pending', runningAction: null };
  }

  /**
   * Dispatches a fresh job for the action, independent of earlier failed
   * ones; 409 while an action is still running for this service.
   */
  @Post(':id/actions')
  @HttpCode(202)
  async dispatch(@Param('id') id: string, @Body() body: unknown, @Req() req: Request) {
    const { action } = validate(actionBody, body ?? {});
    const result = await this.commands.send(provisioningV1.DispatchActionCommand, {
      ...commandActor(req),
      serviceId: id,
      action: ACTION_BY_NAME[action],
    });
    return { id, dispatchId: result.dispatchId, action, status: 'running' };
  }
}
