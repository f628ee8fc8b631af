import { baseConfigSchema } from '@opsledger/telemetry';
import { z } from 'zod';

export const tasksConfigSchema = baseConfigSchema.extend({
  TASKS_PORT: z.coerce.number().int().min(1).max(65535).default(3101),
  /** Run the Temporal worker in this process; `false` when workers run as their own deployment. */
  TASKS_RUN_WORKER: z
    .enum(['true', 'false'])
    .default('true')
    .transform((v) => v === 'true'),
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  HYPERVISOR_URL: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).default('http://127.0.0.1:3200'),
  /** How long one step may wait for the hypervisor, retries included, before the task fails. */
  TASK_STEP_TIMEOUT_MS: z.coerce.number().int().min(1_000).default(120_000),
});

export type TasksConfig = z.output<typeof tasksConfigSchema>;

/** The task queue is namespaced by the prefix like streams are, so tests never share a queue. */
export const taskQueueOf = (config: TasksConfig) => (config.OPSLEDGER_PREFIX ? `${config.OPSLEDGER_PREFIX}-tasks` : 'tasks');
