import { baseConfigSchema } from '@opsledger/telemetry';
import { z } from 'zod';

const flag = z.enum(['true', 'false']).transform((v) => v === 'true');

export const gatewayConfigSchema = baseConfigSchema.extend({
  GATEWAY_PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  /** Proxies whose X-Forwarded-For is believed, in proxy-addr's forms (loopback, uniquelocal, CIDRs), comma-separated. */
  TRUSTED_PROXIES: z
    .string()
    .default('loopback')
    .transform((v) =>
      v
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    ),
  SESSION_TTL_HOURS: z.coerce
    .number()
    .min(1)
    .max(24 * 30)
    .default(12),
  /** Secure cookies need HTTPS: on unless turned off (the local first look on plain HTTP turns it off). */
  COOKIE_SECURE: flag.default(true),
  /** How often a live (SSE) stream sends a heartbeat and re-checks its caller. */
  LIVE_HEARTBEAT_MS: z.coerce.number().int().min(100).max(60_000).default(15_000),
  /** Live (SSE) streams one account may hold open on one gateway process (a console tab holds one). */
  LIVE_MAX_STREAMS_PER_USER: z.coerce.number().int().min(1).max(1_000).default(20),
  /** Failed sign-ins on one account from one client address before that address is refused for it (for the window). */
  LOGIN_MAX_FAILURES_PER_ACCOUNT_AND_IP: z.coerce.number().int().min(1).default(5),
  /** Failed sign-ins on one account from every address together before it is refused everywhere: an attack spread wide. */
  LOGIN_MAX_FAILURES_PER_ACCOUNT: z.coerce.number().int().min(1).default(50),
  LOGIN_MAX_FAILURES_PER_IP: z.coerce.number().int().min(1).default(20),
  LOGIN_FAILURE_WINDOW_SECONDS: z.coerce.number().int().min(1).default(900),
  /** How long past its due time a scheduled job may take to start before the Scheduler page calls it overdue. */
  SCHEDULER_OVERDUE_GRACE_SECONDS: z.coerce.number().int().min(0).max(86_400).default(120),
  /** The built console, served at / (empty: API only). */
  CONSOLE_DIST: z.string().default(''),
});

export type GatewayConfig = z.output<typeof gatewayConfigSchema>;

/** The gateway's validated configuration, injectable in any context module. */
export const GATEWAY_CONFIG = Symbol('GATEWAY_CONFIG');
