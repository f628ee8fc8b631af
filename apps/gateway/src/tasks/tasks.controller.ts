import type { JsonObject } from '@bufbuild/protobuf';
import { Body, Controller, HttpCode, Inject, Param, Post, Req } from '@nestjs/common';
import { tasksV1 } from '@opsledger/contracts';
import { CommandClient, ValidationError } from '@opsledger/messaging';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Request } from 'express';
import { commandActor } from '../api/command-actor';
import { idempotencyKeyOf } from '../api/idempotency-key';
import { ListController } from '../api/list/list-controller';
import { AdminOnly } from '../auth/auth.guard';
import { TasksReadModel } from './tasks.read-model';
import { tasksResource } from './tasks.resource';

/** How long a create waits for its task to reach the read model before answering without it. */
const STORED_WAIT_MS = 2_000;

@Controller('api/tasks')
export class TasksController extends ListController(tasksResource, TasksReadModel, 'task') {
  constructor(@Inject(CommandClient) private readonly commands: CommandClient) {
    super();
  }

  /**
   * One task with its log lines and what may be done with it. A customer
   * asking for another customer's task gets 404, exactly as for one that
   * does not exist (row scoping happens before this).
   */
  protected override async detail(task: Record<string, unknown>, req: Request) {
    const id = String(task.id);
    const [log, failure] = await Promise.all([
      this.readModel.db
        .selectFrom('task_log')
        .select(['at', 'level', 'step', 'text'])
        .where('task_id', '=', id)
        .orderBy('stream_seq')
        .execute(),
      this.readModel.db.selectFrom('task').select('retryable').where('id', '=', id).executeTakeFirst(),
    ]);
    const staff = req.principal!.role === 'admin';
    const attempt = Number(task.attempt);
    return {
      ...task,
      // A retry is a new attempt of the same task: it records the attempt it retries.
      retryOf: attempt > 1 ? { taskId: task.id, attempt: attempt - 1 } : null,
      log,
      cancellable: staff && task.status === 'pending',
      // The tasks service decided, when the task failed, whether its type may run again.
      retryable: staff && task.status === 'failed' && failure?.retryable === true,
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
    // Each type's params have rules, which the tasks service checks and names (params.<field>); here only their shape.
    if (input.params !== undefined && (typeof input.params !== 'object' || input.params === null || Array.isArray(input.params))) {
      throw new ValidationError([{ field: 'params', rule: 'type:object', message: 'must be an object of parameters' }]);
    }
    const { taskId } = await this.commands.send(tasksV1.CreateTaskCommand, {
      ...commandActor(req),
      ...idempotencyKeyOf(req),
      type: typeof input.type === 'string' ? input.type : '',
      target:
        typeof input.target === 'object' && input.target ? stringFields(input.target, ['userId', 'hypervisorId', 'instanceId']) : undefined,
      params: input.params as JsonObject | undefined,
    });
    return this.stored(taskId, req);
  }

  /**
   * The created task as stored, the way GET /api/tasks/<id> answers it: read from the read model once the projection
   * has it (read your own write, normally a few milliseconds); past a short wait (the read model is behind), only what
   * is certain: its id and that it is pending. Never an error: the task exists, and a retry would make a second one.
   */
  private async stored(taskId: string, req: Request): Promise<Record<string, unknown>> {
    const deadline = Date.now() + STORED_WAIT_MS;
    for (;;) {
      const record = await this.readModel.reader.one(tasksResource, taskId, req.principal!);
      if (record) return this.detail(record, req);
      if (Date.now() >= deadline) break;
      await sleep(20);
    }
    return { id: taskId, status: 'pending' };
  }
}

function stringFields(value: Record<string, unknown>, keys: string[]): Record<string, string> {
  return Object.fromEntries(keys.map((k) => [k, typeof value[k] === 'string' ? (value[k] as string) : '']));
}
