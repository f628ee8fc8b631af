import type { JetStreamClient } from '@nats-io/jetstream';
import { eventRegistry } from '@opsledger/contracts';
import { encodeEvent } from '../event-codec';
import { taskProgressed, systemContext } from './task-events';
import { aggregateSubject } from '@opsledger/contracts';

/** Publishes `count` progress events spread over `tasks` aggregates, pipelined (no concurrency check: a bulk seed). */
export async function publishProgress(js: JetStreamClient, prefix: string, count: number, tasks = 50, offset = 0): Promise<number> {
  let last = 0;
  const window: Promise<{ seq: number }>[] = [];
  for (let i = 0; i < count; i++) {
    const taskId = `task-${(offset + i) % tasks}`;
    const { headers, data } = encodeEvent(eventRegistry, taskProgressed(taskId, (offset + i) % 101), systemContext);
    window.push(js.publish(aggregateSubject({ context: 'tasks', type: 'task', id: taskId }, prefix), data, { headers }));
    if (window.length >= 500) last = Math.max(last, ...(await Promise.all(window.splice(0))).map((a) => a.seq));
  }
  if (window.length) last = Math.max(last, ...(await Promise.all(window)).map((a) => a.seq));
  return last;
}
