import { baseConfigSchema } from '@opsledger/telemetry';
import { z } from 'zod';

const DEV_SECRET_KEY = 'opsledger-local-email-key';
/** The local SES simulator's (tools/ses-sim): what a first look sends through. */
const SIM = { endpoint: 'http://127.0.0.1:3400', accessKeyId: 'ses-sim-access-key', secretAccessKey: 'ses-sim-secret-key' };

const ms = (min: number, max: number, fallback: number) => z.coerce.number().int().min(min).max(max).default(fallback);

/**
 * The provider settings here are the defaults Settings → Email overrides:
 * once an operator saves the section, its values (and sealed credentials)
 * are used, read at every send.
 */
export const emailConfigSchema = baseConfigSchema
  .extend({
    EMAIL_PORT: z.coerce.number().int().min(1).max(65535).default(3104),
    /** Run the Temporal worker (deliveries) in this process; `false` when workers run as their own deployment. */
    EMAIL_RUN_WORKER: z
      .enum(['true', 'false'])
      .default('true')
      .transform((v) => v === 'true'),
    TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
    /** Seals the provider credentials saved in Settings → Email (AES-256-GCM); from a Kubernetes Secret in production. */
    EMAIL_SECRET_KEY: z.string().min(16, 'must be at least 16 characters').default(DEV_SECRET_KEY),
    EMAIL_SES_REGION: z
      .string()
      .regex(/^[a-z]{2}(-[a-z]+)+-\d{1,2}$/, 'must be an AWS region, e.g. eu-west-1')
      .default('us-east-1'),
    /** Empty: the region's AWS endpoint. */
    EMAIL_SES_ENDPOINT: z
      .union([z.literal(''), z.url({ protocol: /^https?$/, error: 'must be an http(s) URL or empty' })])
      .default(SIM.endpoint),
    /** Both empty: the AWS SDK's own credential chain (environment, IRSA, instance role). */
    EMAIL_SES_ACCESS_KEY_ID: z.string().default(SIM.accessKeyId),
    EMAIL_SES_SECRET_ACCESS_KEY: z.string().default(SIM.secretAccessKey),
    EMAIL_SENDER: z.email('must be an email address').default('noreply@opsledger.local'),
    /** Where customers sign in: the user.welcome email links to it. */
    EMAIL_CONSOLE_URL: z.url().default('http://127.0.0.1:3000/'),
    /** First delay between delivery attempts (later ones double, up to EMAIL_RETRY_MAX_INTERVAL_MS). */
    EMAIL_RETRY_INITIAL_MS: ms(10, 600_000, 2_000),
    EMAIL_RETRY_MAX_INTERVAL_MS: ms(10, 3_600_000, 60_000),
    /** Attempts per email for transient failures, the first included. */
    EMAIL_RETRY_MAX_ATTEMPTS: ms(1, 100, 6),
    /** Events older than this do not cause emails (a lookup rebuilt from an old stream must not mail its history). */
    EMAIL_REACTION_MAX_AGE_HOURS: ms(1, 24 * 365, 24),
    /** How long a Send test waits for the provider's answer before it answers "queued". */
    EMAIL_TEST_WAIT_MS: ms(0, 9_000, 7_000),
    NODE_ENV: z.string().default('development'),
  })
  .refine((c) => c.NODE_ENV !== 'production' || c.EMAIL_SECRET_KEY !== DEV_SECRET_KEY, {
    path: ['EMAIL_SECRET_KEY'],
    message: 'must be set in production (the development default would seal credentials with a public key)',
  })
  .refine((c) => !c.EMAIL_SES_ACCESS_KEY_ID === !c.EMAIL_SES_SECRET_ACCESS_KEY, {
    path: ['EMAIL_SES_SECRET_ACCESS_KEY'],
    message: 'EMAIL_SES_ACCESS_KEY_ID and EMAIL_SES_SECRET_ACCESS_KEY are set together, or both left empty',
  })
  .refine((c) => c.NODE_ENV !== 'production' || c.EMAIL_SES_ENDPOINT !== SIM.endpoint, {
    path: ['EMAIL_SES_ENDPOINT'],
    message: 'must be set in production: empty for the region’s AWS endpoint (the default is the local simulator)',
  })
  .refine((c) => c.NODE_ENV !== 'production' || c.EMAIL_SES_ACCESS_KEY_ID !== SIM.accessKeyId, {
    path: ['EMAIL_SES_ACCESS_KEY_ID'],
    message: 'must be set in production, or empty for the AWS credential chain (the default is the local simulator’s)',
  });

export type EmailConfig = z.output<typeof emailConfigSchema>;

/** Namespaced by the prefix like streams are, so tests never share a queue. */
export const emailQueueOf = (config: Pick<EmailConfig, 'OPSLEDGER_PREFIX'>) =>
  config.OPSLEDGER_PREFIX ? `${config.OPSLEDGER_PREFIX}-email` : 'email';
