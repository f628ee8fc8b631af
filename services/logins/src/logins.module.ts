import { CommandClient } from '@opsledger/messaging';
import { ContextServiceModule } from '@opsledger/service-runtime';
import { createLogger } from '@opsledger/telemetry';
import { v7 as uuidv7 } from 'uuid';
import { loginsCommandHandlers } from './commands';
import { collectLoadingGarbage, IpLocator } from './geo/locator';
import type { LoginsConfig } from './logins.config';
import { attemptIndexProjection } from './projections/attempt-index.projection';
import { attemptsProjection } from './projections/attempts.projection';
import { securitySettingsProjection } from './projections/security-settings.projection';

/**
 * The logins service: Settings → Security and lifting a block on NATS
 * (cmd.settings.change-security-settings, cmd.logins.lift-login-block), the
 * IP Log's retention prune (cmd.logins.prune-ip-log, over its own attempt index); the
 * projection that answers every sign-in attempt on LOGINS with its place
 * (offline country and ASN databases, loaded once here), brute-force blocks
 * and new-location notices; and its private copy of the Security section.
 */
export const LoginsModule = {
  forRoot: (config: LoginsConfig) =>
    ContextServiceModule.forRoot({
      context: 'logins',
      config,
      parts: ({ store, nc, db, schema }) => {
        const logger = createLogger('logins', config.LOG_LEVEL);
        const locator = IpLocator.load();
        collectLoadingGarbage();
        const memory = process.memoryUsage();
        logger.info(
          { databases: locator.databases, rssMb: Math.round(memory.rss / 2 ** 20), heapUsedMb: Math.round(memory.heapUsed / 2 ** 20) },
          'ip databases loaded',
        );
        const privateDb = db.withSchema(schema);
        return {
          handlers: loginsCommandHandlers({
            store,
            newId: uuidv7,
            now: () => new Date(),
            prune: { store, nc, index: privateDb, prefix: config.OPSLEDGER_PREFIX, newId: uuidv7, now: () => new Date() },
          }),
          projections: (schema) => [
            securitySettingsProjection(schema),
            attemptIndexProjection(schema),
            attemptsProjection(schema, privateDb, {
              store,
              locator,
              commands: new CommandClient(nc, config.OPSLEDGER_PREFIX, config.LOGINS_EMAIL_TIMEOUT_MS),
              newId: uuidv7,
              noticeMaxAgeMs: config.LOGINS_NOTICE_MAX_AGE_MINUTES * 60_000,
              log: (level, message, fields) => logger[level](fields, message),
            }),
          ],
        };
      },
    }),
};
