/**
 * The named steps of each task type, in order, with the progress reached when
 * each is done. Deterministic data: imported by the workflow and the activities.
 */
export interface TaskStep {
  step: string;
  percent: number;
}

export const TASK_STEPS: Record<string, readonly TaskStep[]> = {
  'instance.deploy': [
    { step: 'dhcp.lease', percent: 15 },
    { step: 'disk.attach', percent: 35 },
    { step: 'image.write', percent: 65 },
    { step: 'os.boot', percent: 85 },
    { step: 'network.verify', percent: 100 },
  ],
  'instance.backup': [
    { step: 'backup.freeze', percent: 20 },
    { step: 'backup.copy', percent: 80 },
    { step: 'backup.verify', percent: 100 },
  ],
  'instance.snapshot': [
    { step: 'snapshot.create', percent: 70 },
    { step: 'snapshot.verify', percent: 100 },
  ],
  'instance.migrate': [
    { step: 'migrate.prepare', percent: 15 },
    { step: 'migrate.copy', percent: 70 },
    { step: 'migrate.switch', percent: 90 },
    { step: 'migrate.cleanup', percent: 100 },
  ],
};

export const TASK_QUEUE = 'tasks';

export const workflowIdOf = (taskId: string, attempt: number) => `task-${taskId}-${attempt}`;

export interface RunTaskInput {
  taskId: string;
  attempt: number;
  type: string;
  hypervisorId: string;
  instanceId: string;
  /** How long one step may wait for the hypervisor, retries included, before the task fails. */
  stepTimeoutMs: number;
}
