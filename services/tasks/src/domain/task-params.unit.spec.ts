import { describe, expect, it } from 'vitest';
import { stepTimeoutOf } from './stuck-tasks';
import { checkTaskParams } from './task-params';

describe('task params', () => {
  it('a stored step timeout the rules refuse falls back to the default, so the dispatcher can still store the task', () => {
    expect(stepTimeoutOf({ stepTimeoutMs: 60_000 }, 120_000)).toBe(60_000);
    expect(stepTimeoutOf({ stepTimeoutMs: 1.5 }, 120_000)).toBe(120_000);
    expect(stepTimeoutOf({ stepTimeoutMs: 1e12 }, 120_000)).toBe(120_000);
    expect(stepTimeoutOf({ stepTimeoutMs: '60000' }, 120_000)).toBe(120_000);
    expect(stepTimeoutOf(undefined, 120_000)).toBe(120_000);
  });

  it('every parameter the services read is accepted on its type, and only there', () => {
    expect(checkTaskParams('instance.deploy', { stepTimeoutMs: 1_000, backup: 'none', reason: 'r' })).toEqual([]);
    expect(checkTaskParams('instance.snapshot', { schedulerRunId: 'run-1', reason: 'daily snapshot' })).toEqual([]);
    expect(checkTaskParams('instance.backup', { schedulerRunId: 'run-1' }).map((i) => [i.path, i.code])).toEqual([
      [['schedulerRunId'], 'unrecognized_keys'],
    ]);
    expect(checkTaskParams('instance.explode', { anything: 1 })).toEqual([]);
  });
});
