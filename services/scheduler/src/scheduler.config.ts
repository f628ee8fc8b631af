import { baseConfigSchema } from '@opsledger/telemetry';
import { z } from 'zod';

export const schedulerConfigSchema = baseConfigSchema.extend({
  SCHEDULER_PORT: z.coerce.number().int().min(1).max(65535).default(3103),
  /** Run the Temporal worker (the jobs themselves) in this process; `false` when workers run as their own deployment. */
  SCHEDULER_RUN_WORKER: z
    .enum(['true', 'false'])
    .default('true')
    .transform((v) => v === 'true'),
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  /** The provisioning.prune job removes Provisioning Log entries older than this many days. */
  SCHEDULER_PROVISIONING_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(90),
});

export type SchedulerConfig = z.output<typeof schedulerConfigSchema>;

/** Namespaced by the prefix like streams are, so tests never share a queue. */
export const schedulerQueueOf = (config: Pick<SchedulerConfig, 'OPSLEDGER_PREFIX'>) =>
  config.OPSLEDGER_PREFIX ? `${config.OPSLEDGER_PREFIX}-scheduler` : 'scheduler';
