/**
 * The task types the platform runs: the names a CreateTask may carry. What
 * each type may do (whether a failed one may be retried) is the tasks
 * service's rule, published as TaskFailed.retryable, not part of the contract.
 */
export const taskTypeNames = ['instance.deploy', 'instance.backup', 'instance.snapshot', 'instance.migrate'] as const;

export type TaskType = (typeof taskTypeNames)[number];
