import type { TaskType } from '@opsledger/contracts';

/**
 * Whether running a failed task of each type again is safe: a deploy, backup
 * or snapshot converges on the same result; a half-done migrate may have
 * moved disks and must be looked at by a person first. Keyed by every
 * contract type, so a new type cannot ship without its rule.
 */
const IDEMPOTENT: Record<TaskType, boolean> = {
  'instance.deploy': true,
  'instance.backup': true,
  'instance.snapshot': true,
  'instance.migrate': false,
};

/** Whether a failed task of this type may be retried as a new attempt (an unknown type may not). */
export const isRetryable = (type: string): boolean => Object.hasOwn(IDEMPOTENT, type) && IDEMPOTENT[type as TaskType];
