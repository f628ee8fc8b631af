import type { NatsConnection } from '@nats-io/transport-node';
import { type DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { ServeStaticModule } from '@nestjs/serve-static';
import { MessagingModule, NATS_CONNECTION } from '@opsledger/messaging';
import { HealthModule, natsReady, postgresReady, projectionsReady } from '@opsledger/service-runtime';
import { loggingModule } from '@opsledger/telemetry';
import type { Request } from 'express';
import type { Kysely } from 'kysely';
import { CommandErrorFilter } from './api/http-errors.filter';
import { AuditModule } from './audit/audit.module';
import { AuthService } from './auth/auth.service';
import { IdentityModule } from './auth/identity.module';
import { EmailModule } from './email/email.module';
import { GATEWAY_CONFIG, type GatewayConfig } from './gateway.config';
import { IpLogModule } from './ip-log/ip-log.module';
import { LIVE_HEARTBEAT_MS, LIVE_MAX_STREAMS_PER_USER, LiveController } from './live/live.controller';
import { DATABASE } from './projections/projection.tokens';
import { ProjectionsHost } from './projections/projections.host';
import { ProjectionsModule } from './projections/projections.module';
import { ProvisioningModule } from './provisioning/provisioning.module';
import { SchedulerModule } from './scheduler/scheduler.module';
import { TasksModule } from './tasks/tasks.module';

/**
 * The one door: sign-in and roles, the REST and SSE API every console page
 * uses, command forwarding to the services, the read models projected from
 * the event streams, and (when built) the console itself at /.
 */
@Module({})
export class GatewayModule {
  static forRoot(config: GatewayConfig): DynamicModule {
    return {
      module: GatewayModule,
      global: true,
      imports: [
        loggingModule('gateway'),
        MessagingModule.forRoot({ url: config.NATS_URL, name: 'gateway', prefix: config.OPSLEDGER_PREFIX }),
        ProjectionsModule.forRoot({
          databaseUrl: config.DATABASE_URL,
          settings: { prefix: config.OPSLEDGER_PREFIX, replicas: config.STREAM_REPLICAS },
        }),
        IdentityModule.forRoot(config),
        // One line per context: each module brings its read model, projections, routes and live notices.
        TasksModule,
        ProvisioningModule,
        SchedulerModule,
        EmailModule,
        IpLogModule,
        AuditModule,
        HealthModule.forRoot({
          inject: [NATS_CONNECTION, DATABASE, ProjectionsHost],
          useFactory: (nc: NatsConnection, db: Kysely<any>, host: ProjectionsHost) => [
            natsReady(nc),
            postgresReady(db),
            projectionsReady(() => host.runners),
          ],
          // The gateway faces the internet: its servers and raw errors are for staff; probes need the status only.
          detailsFor: {
            inject: [AuthService],
            useFactory: (auth: AuthService) => async (req: Request) => (await auth.authenticate(req)).role === 'admin',
          },
        }),
        ...(config.CONSOLE_DIST
          ? [ServeStaticModule.forRoot({ rootPath: config.CONSOLE_DIST, exclude: ['/api/{*path}', '/healthz', '/readyz'] })]
          : []),
      ],
      controllers: [LiveController],
      providers: [
        { provide: APP_FILTER, useClass: CommandErrorFilter },
        { provide: LIVE_HEARTBEAT_MS, useValue: config.LIVE_HEARTBEAT_MS },
        { provide: LIVE_MAX_STREAMS_PER_USER, useValue: config.LIVE_MAX_STREAMS_PER_USER },
        { provide: GATEWAY_CONFIG, useValue: config },
      ],
      exports: [GATEWAY_CONFIG],
    };
  }
}
