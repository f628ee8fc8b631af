import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { type DynamicModule, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { eventRegistry } from '@opsledger/contracts';
import { contextSchema, migrateToLatest } from '@opsledger/db';
import { ensureEventStream, EventStore } from '@opsledger/eventstore';
import { NATS_CONNECTION } from '@opsledger/messaging';
import type { Kysely } from 'kysely';
import type { GatewayConfig } from '../gateway.config';
import { DATABASE } from '../projections/projection.tokens';
import { AccountCommands } from './account-commands';
import { ApiTokenEvents } from './api-token-events';
import { ApiTokensController } from './api-tokens.controller';
import { AuthController } from './auth.controller';
import { AuthGuard } from './auth.guard';
import { AuthService } from './auth.service';
import { TrustedProxies } from './client-ip';
import { AUTH_COOKIE_OPTIONS } from './cookie-options';
import type { IdentityTables } from './identity-tables';
import { identityMigrations } from './identity.migrations';
import { IdentityChanges } from './identity-changes';
import { IDENTITY_DB } from './identity.tokens';
import { LoginEvents } from './login-events';
import { LoginThrottle } from './login-throttle';
import { SignInBlocks } from './sign-in-blocks';
import { IdentityReadModel, UsersController } from './users.controller';

/** Accounts (the Team page's /api/users, each change an identity event), sessions, API tokens, the guard on every /api route, and a LOGINS event per sign-in attempt. */
@Module({})
export class IdentityModule {
  static forRoot(config: GatewayConfig): DynamicModule {
    return {
      module: IdentityModule,
      global: true,
      controllers: [AuthController, ApiTokensController, UsersController],
      providers: [
        {
          provide: IDENTITY_DB,
          inject: [DATABASE],
          useFactory: async (db: Kysely<any>) => {
            const schema = contextSchema('identity', config.OPSLEDGER_PREFIX);
            await migrateToLatest(db, schema, identityMigrations(schema));
            return db.withSchema(schema) as Kysely<IdentityTables>;
          },
        },
        {
          provide: LoginEvents,
          inject: [NATS_CONNECTION],
          useFactory: async (nc: NatsConnection) => {
            const jsm = await jetstreamManager(nc);
            await ensureEventStream(jsm, 'logins', { prefix: config.OPSLEDGER_PREFIX, replicas: config.STREAM_REPLICAS });
            return new LoginEvents(new EventStore(jetstream(nc), jsm, eventRegistry, config.OPSLEDGER_PREFIX));
          },
        },
        {
          provide: ApiTokenEvents,
          inject: [NATS_CONNECTION],
          useFactory: async (nc: NatsConnection) => {
            const jsm = await jetstreamManager(nc);
            await ensureEventStream(jsm, 'identity', { prefix: config.OPSLEDGER_PREFIX, replicas: config.STREAM_REPLICAS });
            return new ApiTokenEvents(new EventStore(jetstream(nc), jsm, eventRegistry, config.OPSLEDGER_PREFIX));
          },
        },
        IdentityReadModel,
        {
          provide: AccountCommands,
          inject: [IDENTITY_DB, NATS_CONNECTION],
          useFactory: async (db: Kysely<IdentityTables>, nc: NatsConnection) => {
            const jsm = await jetstreamManager(nc);
            await ensureEventStream(jsm, 'identity', { prefix: config.OPSLEDGER_PREFIX, replicas: config.STREAM_REPLICAS });
            const commands = new AccountCommands(db, new EventStore(jetstream(nc), jsm, eventRegistry, config.OPSLEDGER_PREFIX));
            // Accounts with a row and no events (the seeded admin, accounts older than their events) get their
            // AccountCreated now, so the Audit Log can name them as actors before their first change.
            await commands.adoptAll();
            return commands;
          },
        },
        // Settings → Security's trusted proxies and the IP Log's brute-force blocks, applied by the IP Log module.
        { provide: TrustedProxies, useValue: new TrustedProxies(config.TRUSTED_PROXIES) },
        { provide: SignInBlocks, useValue: new SignInBlocks() },
        {
          provide: AuthService,
          inject: [IDENTITY_DB, LoginEvents, TrustedProxies, SignInBlocks],
          useFactory: (db: Kysely<IdentityTables>, events: LoginEvents, proxies: TrustedProxies, blocks: SignInBlocks) =>
            new AuthService(
              db,
              new LoginThrottle(db, {
                perAccountAndIp: config.LOGIN_MAX_FAILURES_PER_ACCOUNT_AND_IP,
                perAccount: config.LOGIN_MAX_FAILURES_PER_ACCOUNT,
                perIp: config.LOGIN_MAX_FAILURES_PER_IP,
                windowSeconds: config.LOGIN_FAILURE_WINDOW_SECONDS,
              }),
              events,
              { sessionTtlHours: config.SESSION_TTL_HOURS, clientRoute: (req) => proxies.route(req) },
              blocks,
            ),
        },
        {
          provide: IdentityChanges,
          inject: [AuthService],
          useFactory: (auth: AuthService) =>
            new IdentityChanges(config.DATABASE_URL, contextSchema('identity', config.OPSLEDGER_PREFIX), [auth.sessions, auth.tokens]),
        },
        { provide: AUTH_COOKIE_OPTIONS, useValue: { secure: config.COOKIE_SECURE } },
        { provide: APP_GUARD, useClass: AuthGuard },
      ],
      exports: [IDENTITY_DB, AuthService, TrustedProxies, SignInBlocks],
    };
  }
}
