/**
 * The task types the platform runs. `idempotent` says whether running a
 * failed task again is safe: a deploy, backup or snapshot converges on the
 * same result; a half-done migrate may have moved disks and must be looked at
 * by a person first.
 */
export const TASK_TYPES = {
  'instance.deploy': { idempotent: true },
  'instance.backup': { idempotent: true },
  'instance.snapshot': { idempotent: true },
  'instance.migrate': { idempotent: false },
} as const satisfies Record<string, { idempotent: boolean }>;

export type TaskType = keyof typeof TASK_TYPES;

export const taskTypeNames = Object.keys(TASK_TYPES) as [TaskType, ...TaskType[]];

/** Whether a failed task of this type may be retried as a new attempt. */
export const isIdempotentTaskType = (type: string) => TASK_TYPES[type as TaskType]?.idempotent === true;
