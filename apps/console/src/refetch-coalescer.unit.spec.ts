import { describe, expect, it } from 'vitest';
import { coalesceRefetches } from './refetch-coalescer';

/** A refetch that finishes when the test says so, recording each start. */
function controlled() {
  const started: string[] = [];
  const finish: (() => void)[] = [];
  const refetch = (key: string) => {
    started.push(key);
    return new Promise<void>((resolve, reject) => finish.push(key === 'failing' ? () => reject(new Error('offline')) : resolve));
  };
  const settle = async () => {
    while (finish.length) {
      finish.shift()!();
      await new Promise((r) => setTimeout(r, 0));
    }
  };
  return { started, refetch, settle };
}

describe('coalesceRefetches', () => {
  it.each([
    { given: 'nothing running', when: ['tasks'], then: ['tasks'] },
    { given: 'a burst of notices for one key', when: ['tasks', 'tasks', 'tasks', 'tasks'], then: ['tasks', 'tasks'] },
    { given: 'notices for two keys', when: ['tasks', 'audit-log', 'tasks'], then: ['tasks', 'audit-log', 'tasks'] },
    { given: 'a refetch that fails', when: ['failing', 'failing'], then: ['failing', 'failing'] },
  ])('$given: notices $when start refetches $then', async ({ when, then }) => {
    const { started, refetch, settle } = controlled();
    const notify = coalesceRefetches(refetch);
    const done = when.map((key) => notify(key));
    await settle();
    await Promise.all(done);
    expect(started).toEqual(then);
  });

  it('a notice after the refetch ended starts a new one', async () => {
    const { started, refetch, settle } = controlled();
    const notify = coalesceRefetches(refetch);
    const first = notify('tasks');
    await settle();
    await first;
    const second = notify('tasks');
    await settle();
    await second;
    expect(started).toEqual(['tasks', 'tasks']);
  });
});
