import { Body, Controller, Get, HttpCode, Inject, Param, Post, Query, Req, Res } from '@nestjs/common';
import { provisioningV1 } from '@opsledger/contracts';
import { CommandClient, NotFoundError, validate } from '@opsledger/messaging';
import type { Request, Response } from 'express';
import { z } from 'zod';
import { AdminOnly } from '../../auth/auth.guard';
import { commandActor } from '../command-actor';
import { parseListQuery } from '../list/list-query';
import type { ListReader } from '../list/list-reader';
import { respondList } from '../list/list-responder';
import { PROVISIONING_READER } from '../read-models.tokens';
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
export class PanelServersController {
  constructor(
    @Inject(PROVISIONING_READER) private readonly reader: ListReader,
    @Inject(CommandClient) private readonly commands: CommandClient,
  ) {}

  @Get()
  async list(@Query() query: Record<string, unknown>, @Req() req: Request, @Res() res: Response) {
    await respondList(this.reader, panelServersResource, parseListQuery(panelServersResource, query), req.principal!, req, res);
  }

  @Get(':id')
  async one(@Param('id') id: string, @Req() req: Request) {
    const server = await this.reader.one(panelServersResource, id, req.principal!);
    if (!server) throw new NotFoundError(`panel server ${id} not found`);
    return server;
  }

  @Post()
  @HttpCode(201)
  async create(@Body() body: unknown, @Req() req: Request) {
    const { apiToken, ...input } = validate(newPanelServer, body ?? {});
    const { panelServerId } = await this.commands.send(provisioningV1.RegisterPanelServerCommand, {
      ...commandActor(req),
      ...input,
      apiToken,
    });
    return { id: panelServerId, ...input, tlsVerify: input.tlsVerify ?? true };
  }
}
