import { baseConfigSchema } from '@opsledger/telemetry';
import { z } from 'zod';

export const loginsConfigSchema = baseConfigSchema.extend({
  LOGINS_PORT: z.coerce.number().int().min(1).max(65535).default(3106),
  /** A success older than this (a replay, a rebuild) raises no login.new-location email. */
  LOGINS_NOTICE_MAX_AGE_MINUTES: z.coerce.number().int().min(1).max(10_080).default(60),
  /** How long the email service may take to queue a login.new-location email before the service logs it as unsent. */
  LOGINS_EMAIL_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(3_000),
});

export type LoginsConfig = z.output<typeof loginsConfigSchema>;
