import { describe, expect, it } from 'vitest';
import { taskListProjection } from './task-list.projection';
import { taskEvents } from '../test-support/task-events';
import { projectBatches } from '../test-support/project-batches';

const { created, started, progressed, logged, failed, retried } = taskEvents();

/** A fresh read model with the events applied, one transaction per batch, as the runner applies them. */
const project = projectBatches(taskListProjection, {
  tasks: { table: 'task', columns: 'id, status, progress, attempt, error, retryable, updated_at, version', orderBy: 'id' },
  logs: { table: 'task_log', columns: 'task_id, stream_seq, text', orderBy: 'stream_seq' },
});

describe('task-list projection: given tasks an earlier batch created, when one batch changes them in different ways', () => {
  const earlier = [created('a'), created('b'), created('c'), created('d'), created('e'), started('c'), failed('c', true)];
  const batch = [
    started('a'),
    progressed('a', 40),
    started('b'),
    failed('b', false),
    retried('c'),
    logged('d', 'waiting for a slot'),
    progressed('a', 60),
  ];

  it.each([
    { task: 'a', then: { status: 'running', progress: 60, attempt: 1, error: null, retryable: false } },
    { task: 'b', then: { status: 'failed', progress: 0, attempt: 1, error: 'b broke', retryable: false } },
    { task: 'c', then: { status: 'pending', progress: 0, attempt: 2, error: null, retryable: false } },
    { task: 'd', then: { status: 'pending', progress: 0, attempt: 1, error: null, retryable: false } },
    { task: 'e', then: { status: 'pending', progress: 0, attempt: 1, error: null, retryable: false } },
  ])('then task $task is $then.status', async ({ task, then }) => {
    const { tasks } = await project([earlier, batch]);
    const last = [...earlier, ...batch].findLast((e) => e.aggregateId === task)!;
    expect(tasks.find((t) => t.id === task)).toEqual({ id: task, ...then, updated_at: last.occurredAt, version: last.streamSeq });
  });

  it('then the rows and log lines are those of applying each event in a transaction of its own', async () => {
    const together = await project([earlier, batch]);
    const oneByOne = await project([...earlier, ...batch].map((e) => [e]));
    expect(together).toEqual(oneByOne);
    expect(together.logs).toEqual([{ task_id: 'd', stream_seq: batch[5]!.streamSeq, text: 'waiting for a slot' }]);
  });

  it('then an error a retry cleared stays cleared when a later batch changes only the progress', async () => {
    const { tasks } = await project([earlier, batch, [started('c'), progressed('c', 10)]]);
    expect(tasks.find((t) => t.id === 'c')).toMatchObject({ status: 'running', progress: 10, attempt: 2, error: null });
  });

  it('then a failed task keeps its error when a later batch only logs and reports progress on it', async () => {
    const { tasks } = await project([
      earlier,
      batch,
      [logged('c', 'cleaning up'), progressed('c', 5)],
      [failed('c', true)],
      [logged('c', 'x')],
    ]);
    expect(tasks.find((t) => t.id === 'c')).toMatchObject({ status: 'failed', error: 'c broke', retryable: true });
  });
});
