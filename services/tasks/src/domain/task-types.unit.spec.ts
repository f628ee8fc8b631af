import { describe, expect, it } from 'vitest';
import { isRetryable } from './task-types';

describe('which failed tasks may be retried', () => {
  it.each([
    ['instance.deploy', true],
    ['instance.backup', true],
    ['instance.snapshot', true],
    ['instance.migrate', false],
    ['instance.explode', false],
    ['toString', false],
  ])('%s → %s', (type, retryable) => {
    expect(isRetryable(type)).toBe(retryable);
  });
});
