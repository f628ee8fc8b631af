import { Get, Inject, Param, Query, Req, Res, type Type } from '@nestjs/common';
import { NotFoundError } from '@opsledger/messaging';
import type { Request, Response } from 'express';
import type { ContextReadModel } from '../../projections/read-model';
import { CsvExport } from './csv-export';
import { parseListQuery } from './list-query';
import { respondList } from './list-responder';
import type { ResourceSpec } from './resource-spec';

/**
 * The two read routes every list page has, `GET /` (JSON page or CSV) and
 * `GET /:id`, for a resource of a context's read model. A context's
 * controller extends it, adds its commands, and may enrich the one record
 * by overriding `detail` (the record has already passed row scoping).
 */
export function ListController<DB>(spec: ResourceSpec<any>, readModel: Type<ContextReadModel<DB>>, noun: string) {
  abstract class ListAndOne {
    @Inject(readModel) protected readonly readModel!: ContextReadModel<DB>;
    @Inject(CsvExport) private readonly csvExport!: CsvExport;

    @Get()
    async list(@Query() query: Record<string, unknown>, @Req() req: Request, @Res() res: Response): Promise<void> {
      await respondList(this.readModel.reader, spec, parseListQuery(spec, query), req.principal!, req, res, this.csvExport);
    }

    @Get(':id')
    async one(@Param('id') id: string, @Req() req: Request): Promise<Record<string, unknown>> {
      const record = await this.readModel.reader.one(spec, id, req.principal!);
      if (!record) throw new NotFoundError(`${noun} ${id} not found`);
      return this.detail(record, req);
    }

    protected async detail(record: Record<string, unknown>, _req: Request): Promise<Record<string, unknown>> {
      return record;
    }
  }
  return ListAndOne;
}
