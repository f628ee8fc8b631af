import { Controller, Get, Inject, Param, Query, Req, Res } from '@nestjs/common';
import { NotFoundError } from '@opsledger/messaging';
import type { Request, Response } from 'express';
import type { Kysely } from 'kysely';
import { AdminOnly } from '../../auth/auth.guard';
import type { ProvisioningReadModel } from '../../projections/provisioning/provisioning-log.projection';
import { parseListQuery } from '../list/list-query';
import type { ListReader } from '../list/list-reader';
import { respondList } from '../list/list-responder';
import { PROVISIONING_DB, PROVISIONING_READER } from '../read-models.tokens';
import { provisioningLogResource } from './provisioning-log.resource';

/** The Provisioning Log (admin only): every panel call, with both payloads and the diagnosis on the entry itself. */
@AdminOnly()
@Controller('api/provisioning-log')
export class ProvisioningLogController {
  constructor(
    @Inject(PROVISIONING_READER) private readonly reader: ListReader,
    @Inject(PROVISIONING_DB) private readonly db: Kysely<ProvisioningReadModel>,
  ) {}

  @Get()
  async list(@Query() query: Record<string, unknown>, @Req() req: Request, @Res() res: Response) {
    await respondList(this.reader, provisioningLogResource, parseListQuery(provisioningLogResource, query), req.principal!, req, res);
  }

  @Get(':id')
  async one(@Param('id') id: string) {
    const row = await this.db.selectFrom('provisioning_log').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) throw new NotFoundError(`provisioning log entry ${id} not found`);
    return { ...provisioningLogResource.toJson(row), request: row.request, response: row.response };
  }
}
