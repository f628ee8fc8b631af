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
  LOGIN_MAX_FAILURES_PER_ACCOUNT: z.coerce.number().int().min(1).default(5),
  LOGIN_MAX_FAILURES_PER_IP: z.coerce.number().int().min(1).default(20),
  LOGIN_FAILURE_WINDOW_SECONDS: z.coerce.number().int().min(1).default(900),
  /** The built console, served at / (empty: API only). */
  CONSOLE_DIST: z.string().default(''),
});

export type GatewayConfig = z.output<typeof gatewayConfigSchema>;
