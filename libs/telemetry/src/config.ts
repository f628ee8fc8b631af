import { z } from 'zod';

/**
 * Reads configuration from environment variables against a zod schema (with
 * the local defaults in the schema). A bad value stops the process with one
 * line per problem naming the variable and the rule.
 */
export function loadConfig<S extends z.ZodObject>(schema: S, env: Record<string, string | undefined> = process.env): z.output<S> {
  const result = schema.safeParse(env);
  if (result.success) return result.data;
  const problems = result.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`).join('\n');
  throw new ConfigError(`invalid configuration:\n${problems}`);
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** Variables every service reads, with safe local defaults. */
export const baseConfigSchema = z.object({
  DATABASE_URL: z
    .url({ protocol: /^postgres(ql)?$/, error: 'must be a postgres:// URL' })
    .default('postgres://postgres@127.0.0.1:5432/postgres'),
  NATS_URL: z
    .string()
    .regex(/^(nats|tls):\/\/[^,\s]+(,(nats|tls):\/\/[^,\s]+)*$/, 'must be nats://host:port, comma-separated for a cluster')
    .default('nats://127.0.0.1:4222'),
  TEMPORAL_ADDRESS: z
    .string()
    .regex(/^[\w.-]+:\d+$/, 'must be host:port')
    .default('127.0.0.1:7233'),
  /** Prefix of streams and subjects; empty in production. */
  OPSLEDGER_PREFIX: z
    .string()
    .regex(/^([a-z0-9]+)?$/, 'must be lowercase letters and digits')
    .default(''),
  /** 1 in development, 3 in Kubernetes. */
  STREAM_REPLICAS: z.coerce.number().int().min(1).max(5).default(1),
  /** Interface the health (and, for the gateway, API) server binds: 0.0.0.0 in a container. */
  HTTP_HOST: z.string().min(1).default('127.0.0.1'),
  LOG_LEVEL: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal']).default('info'),
  /**
   * Shared by every process: commands are signed with it (HMAC-SHA256 over actor, source, correlation id,
   * type and time) and a service refuses a command whose signature is missing, forged or stale. Unset:
   * commands are neither signed nor checked (tests; `up.sh` and k8s set it).
   */
  COMMAND_SIGNING_KEY: z.string().min(32, 'must be at least 32 characters').optional(),
  /** The process's own NATS user and password (deploy/nats/permissions.conf says what each may do); unset: none. */
  NATS_USER: z
    .string()
    .regex(/^[a-z]+$/, 'must be lower-case letters, e.g. tasks')
    .optional(),
  NATS_PASSWORD: z.string().min(1).optional(),
});

export type BaseConfig = z.output<typeof baseConfigSchema>;

/** Loads the configuration, or prints what is wrong as one readable message and exits (no stack trace). */
export function loadConfigOrExit<S extends z.ZodObject>(schema: S): z.output<S> {
  try {
    return loadConfig(schema);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(error.message);
    process.exit(78); // EX_CONFIG
  }
}
