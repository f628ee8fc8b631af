import { Controller, Get, Inject, Req } from '@nestjs/common';
import { ActorKind, tasksV1 } from '@opsledger/contracts';
import { CommandClient } from '@opsledger/messaging';
import type { Request } from 'express';
import { AdminOnly } from '../auth/auth.guard';

const isoOf = (ts: { seconds: bigint } | undefined) => (ts ? new Date(Number(ts.seconds) * 1000).toISOString() : null);

/** GET /api/workers: per task queue and kind, whether a worker polls and since when (for the "no worker" warning). */
@AdminOnly()
@Controller('api/workers')
export class WorkersController {
  constructor(@Inject(CommandClient) private readonly commands: CommandClient) {}

  /** `polling`, `busy` (every slot taken), `gone` or `none`, as the tasks service reads them from Temporal. */
  @Get()
  async list(@Req() req: Request) {
    const { queues } = await this.commands.send(tasksV1.DescribeWorkersCommand, {
      actor: { userId: req.principal!.id, kind: ActorKind.STAFF },
    });
    return queues.map((q) => ({
      id: `${q.taskQueue}:${q.kind}`,
      taskQueue: q.taskQueue,
      kind: q.kind,
      status: q.status,
      lastPollAt: isoOf(q.lastPollAt),
      pollers: q.pollers.map((p) => ({ identity: p.identity, lastAccessTime: isoOf(p.lastAccessTime) })),
    }));
  }
}
