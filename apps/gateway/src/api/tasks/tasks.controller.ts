import { Body, Controller, Get, HttpCode, Inject, Param, Post, Query, Req, Res } from '@nestjs/common';
import { isIdempotentTaskType, tasksV1 } from '@opsledger/contracts';
import type { Kysely } from 'kysely';
import type { TasksReadModel } from '../../projections/tasks/task-tables';
import { CommandClient, NotFoundError } from '@opsledger/messaging';
import type { Request, Response } from 'express';
import { AdminOnly } from '../../auth/auth.guard';
import { commandActor } from '../command-actor';
import { parseListQuery } from '../list/list-query';
import type { ListReader } from '../list/list-reader';
import { respondList } from '../list/list-responder';
import { TASKS_DB, TASKS_READER } from '../read-models.tokens';
import { tasksResource } from './tasks.resource';

@Controller('api/tasks')
export class TasksController {
  constructor(
    @Inject(TASKS_READER) private readonly reader: ListReader,
    @Inject(CommandClient) private readonly commands: CommandClient,
    @Inject(TASKS_DB) private readonly db: Kysely<TasksReadModel>,
  ) {}

  @Get()
  async list(@Query() query: Record<string, unknown>, @Req() req: Request, @Res() res: Response) {
    await respondList(this.reader, tasksResource, parseListQuery(tasksResource, query), req.principal!, req, res);
  }

  /**
   * One task with its log lines and what may be done with it. A customer
   * asking for another customer's task gets 404, exactly as for one that
   * does not exist.
   */
  @Get(':id')
  async one(@Param('id') id: string, @Req() req: Request) {
    const task = await this.reader.one(tasksResource, id, req.principal!);
    if (!task) throw new NotFoundError(`task ${id} not found`);
    const log = await this.db
      .selectFrom('task_log')
      .select(['at', 'level', 'step', 'text'])
      .where('task_id', '=', id)
      .orderBy('stream_seq')
      .execute();
    const staff = req.principal!.role === 'admin';
    const attempt = Number(task.attempt);
    return {
      ...task,
      // A retry is a new attempt of the same task: it records the attempt it retries.
      retryOf: attempt > 1 ? { taskId: id, attempt: attempt - 1 } : null,
      log,
      cancellable: staff && task.status === 'pending',
      retryable: staff && task.status === 'failed' && isIdempotentTaskType(String(task.type)),
    };
  }

  /** Cancel: only while pending; otherwise 409 with the rule. */
  @AdminOnly()
  @Post(':id/cancel')
  @HttpCode(200)
  async cancel(@Param('id') id: string, @Body() body: { reason?: unknown } | undefined, @Req() req: Request) {
    const result = await this.commands.send(tasksV1.CancelTaskCommand, {
      ...commandActor(req),
      taskId: id,
      reason: typeof body?.reason === 'string' ? body.reason : '',
    });
    return { id, status: 'cancelled', version: Number(result.version) };
  }

  /** Retry: only a failed task of an idempotent type, as a new attempt; otherwise 409 with the rule. */
  @AdminOnly()
  @Post(':id/retry')
  @HttpCode(202)
  async retry(@Param('id') id: string, @Req() req: Request) {
    const result = await this.commands.send(tasksV1.RetryTaskCommand, { ...commandActor(req), taskId: id });
    return { id, status: 'pending', version: Number(result.version) };
  }

  /** Creates a task through the tasks service; the service validates it and answers 400 naming the field. */
  @AdminOnly()
  @Post()
  @HttpCode(201)
  async create(@Body() body: Record<string, any> | undefined, @Req() req: Request) {
    const input = body ?? {};
    const { taskId } = await this.commands.send(tasksV1.CreateTaskCommand, {
      ...commandActor(req),
      type: typeof input.type === 'string' ? input.type : '',
      target:
        typeof input.target === 'object' && input.target ? stringFields(input.target, ['userId', 'hypervisorId', 'instanceId']) : undefined,
      params: typeof input.params === 'object' && input.params && !Array.isArray(input.params) ? input.params : undefined,
    });
    return { id: taskId, status: 'pending', progress: 0, attempt: 1, type: input.type, target: input.target };
  }
}

function stringFields(value: Record<string, unknown>, keys: string[]): Record<string, string> {
  return Object.fromEntries(keys.map((k) => [k, typeof value[k] === 'string' ? (value[k] as string) : '']));
}
