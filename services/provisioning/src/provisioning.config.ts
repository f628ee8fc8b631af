import { baseConfigSchema } from '@opsledger/telemetry';
import { z } from 'zod';

const DEV_SECRET_KEY = 'opsledger-local-development-key';

export const provisioningConfigSchema = baseConfigSchema
  .extend({
    PROVISIONING_PORT: z.coerce.number().int().min(1).max(65535).default(3102),
    /** Run the Temporal worker in this process; `false` when workers run as their own deployment. */
    PROVISIONING_RUN_WORKER: z
      .enum(['true', 'false'])
      .default('true')
      .transform((v) => v === 'true'),
    TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
    /** Seals panel API tokens in events (AES-256-GCM); from a Kubernetes Secret in production. */
    PROVISIONING_SECRET_KEY: z.string().min(16, 'must be at least 16 characters').default(DEV_SECRET_KEY),
    /** First delay between panel attempts; later ones double. */
    PROVISIONING_RETRY_INITIAL_MS: z.coerce.number().int().min(10).max(600_000).default(2_000),
    NODE_ENV: z.string().default('development'),
  })
  .refine((c) => c.NODE_ENV !== 'production' || c.PROVISIONING_SECRET_KEY !== DEV_SECRET_KEY, {
    path: ['PROVISIONING_SECRET_KEY'],
    message: 'must be set in production (the development default would seal tokens with a public key)',
  });

export type ProvisioningConfig = z.output<typeof provisioningConfigSchema>;

/** Namespaced by the prefix like streams are, so tests never share a queue. */
export const provisioningQueueOf = (config: ProvisioningConfig) =>
  config.OPSLEDGER_PREFIX ? `${config.OPSLEDGER_PREFIX}-provisioning` : 'provisioning';
