import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { tasksV1 } from '@opsledger/contracts';
import { actorSchema, type CommandHandler } from '@opsledger/messaging';
import type { Client } from '@temporalio/client';
import proto from '@temporalio/proto';
import { z } from 'zod';

const { TaskQueueType, PendingActivityState } = proto.temporal.api.enums.v1;

export interface DescribeWorkersOptions {
  client: Client;
  namespace: string;
  taskQueue: string;
  /** A worker long-polls about once a minute; one not seen for longer has stopped polling. */
  pollFreshMs?: number;
  /** An activity heartbeats every second while it works; one older than this is not being worked on. */
  heartbeatFreshMs?: number;
}

const CACHE_MS = 2_000;

/**
 * Which workers poll the tasks task queue, per kind (workflow, activity):
 * `polling` (polled lately), `busy` (stopped polling because every slot is
 * taken: some of its activities are still heartbeating), `gone` (stopped
 * polling and nothing heartbeats), `none` (no worker ever polled). Cached
 * for two seconds: the console asks often; Temporal is not on a hot path.
 */
export function describeWorkersHandler(
  options: DescribeWorkersOptions,
): CommandHandler<typeof tasksV1.DescribeWorkersCommand.command, typeof tasksV1.DescribeWorkersCommand.result> {
  const pollFreshMs = options.pollFreshMs ?? 70_000;
  const heartbeatFreshMs = options.heartbeatFreshMs ?? 10_000;
  let cached: { at: number; queues: tasksV1.DescribeWorkersResult['queues'] } | undefined;
  const kinds = [
    ['workflow', TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW],
    ['activity', TaskQueueType.TASK_QUEUE_TYPE_ACTIVITY],
  ] as const;

  const activitiesHeartbeating = async (): Promise<boolean> => {
    const query = `TaskQueue = '${options.taskQueue}' AND ExecutionStatus = 'Running'`;
    let seen = 0;
    for await (const workflow of options.client.workflow.list({ query })) {
      if (++seen > 20) break;
      const description = await options.client.workflow.getHandle(workflow.workflowId, workflow.runId).describe();
      const pending = description.raw.pendingActivities ?? [];
      if (
        pending.some(
          (a) =>
            a.state === PendingActivityState.PENDING_ACTIVITY_STATE_STARTED && Date.now() - millis(a.lastHeartbeatTime) < heartbeatFreshMs,
        )
      )
        return true;
    }
    return false;
  };

  const describe = async (kind: string, taskQueueType: (typeof kinds)[number][1]) => {
    const res = await options.client.workflowService.describeTaskQueue({
      namespace: options.namespace,
      taskQueue: { name: options.taskQueue },
      taskQueueType,
    });
    const pollers = (res.pollers ?? []).map((p) => ({ identity: p.identity ?? '', at: millis(p.lastAccessTime) }));
    const last = Math.max(0, ...pollers.map((p) => p.at));
    let status = pollers.length === 0 ? 'none' : Date.now() - last < pollFreshMs ? 'polling' : 'gone';
    if (status === 'gone' && kind === 'activity' && (await activitiesHeartbeating())) status = 'busy';
    return {
      taskQueue: options.taskQueue,
      kind,
      status,
      pollers: pollers.map((p) => ({ identity: p.identity, lastAccessTime: timestampFromDate(new Date(p.at)) })),
      ...(last ? { lastPollAt: timestampFromDate(new Date(last)) } : {}),
    };
  };

  return {
    definition: tasksV1.DescribeWorkersCommand,
    schema: z.object({ actor: actorSchema }),
    async handle() {
      if (!cached || Date.now() - cached.at > CACHE_MS) {
        cached = { at: Date.now(), queues: (await Promise.all(kinds.map(([kind, type]) => describe(kind, type)))) as never };
      }
      return { queues: cached.queues };
    },
  };
}

function millis(ts: { seconds?: unknown; nanos?: number | null } | null | undefined): number {
  return ts ? Number(ts.seconds ?? 0) * 1000 + Math.floor((ts.nanos ?? 0) / 1e6) : 0;
}
