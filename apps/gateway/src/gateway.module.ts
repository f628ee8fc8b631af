import type { NatsConnection } from '@nats-io/transport-node';
import { type DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { ServeStaticModule } from '@nestjs/serve-static';
import { contextSchema } from '@opsledger/db';
import { MessagingModule, NATS_CONNECTION } from '@opsledger/messaging';
import { HealthModule, loggingModule, natsReady, postgresReady, projectionsReady } from '@opsledger/telemetry';
import type { Kysely } from 'kysely';
import { CommandErrorFilter } from './api/http-errors.filter';
import { ListReader } from './api/list/list-reader';
import { PanelServersController } from './api/provisioning/panel-servers.controller';
import { ProvisioningLogController } from './api/provisioning/provisioning-log.controller';
import { ServicesController } from './api/provisioning/services.controller';
import { PROVISIONING_DB, PROVISIONING_READER, TASKS_DB, TASKS_READER } from './api/read-models.tokens';
import { WorkersController } from './api/tasks/workers.controller';
import { TasksController } from './api/tasks/tasks.controller';
import { IdentityModule } from './auth/identity.module';
import type { GatewayConfig } from './gateway.config';
import { LIVE_HEARTBEAT_MS, LiveController } from './live/live.controller';
import { publishTaskNotices } from './live/task-notices';
import { DATABASE, ProjectionsHost } from './projections/projections.host';
import { ProjectionsModule } from './projections/projections.module';
import { provisioningLogProjection } from './projections/provisioning/provisioning-log.projection';
import { servicesProjection } from './projections/provisioning/services.projection';
import { publishLogEntryNotices, publishServiceNotices } from './live/provisioning-notices';
import { taskListProjection } from './projections/tasks/task-list.projection';

/**
 * The one door: sign-in and roles, the REST and SSE API every console page
 * uses, command forwarding to the services, the read models projected from
 * the event streams, and (when built) the console itself at /.
 */
@Module({})
export class GatewayModule {
  static forRoot(config: GatewayConfig): DynamicModule {
    const tasksSchema = contextSchema('tasks', config.OPSLEDGER_PREFIX);
    const provisioningSchema = contextSchema('provisioning', config.OPSLEDGER_PREFIX);
    return {
      module: GatewayModule,
      imports: [
        loggingModule('gateway'),
        MessagingModule.forRoot({ url: config.NATS_URL, name: 'gateway', prefix: config.OPSLEDGER_PREFIX }),
        ProjectionsModule.forRoot({
          databaseUrl: config.DATABASE_URL,
          settings: { prefix: config.OPSLEDGER_PREFIX, replicas: config.STREAM_REPLICAS },
          projections: (db, hub) => [
            { projection: taskListProjection(tasksSchema), onCommitted: publishTaskNotices(db.withSchema(tasksSchema), hub) },
            { projection: provisioningLogProjection(provisioningSchema), onCommitted: publishLogEntryNotices(hub) },
            { projection: servicesProjection(provisioningSchema), onCommitted: publishServiceNotices(hub) },
          ],
        }),
        IdentityModule.forRoot(config),
        HealthModule.forRoot({
          inject: [NATS_CONNECTION, DATABASE, ProjectionsHost],
          useFactory: (nc: NatsConnection, db: Kysely<any>, host: ProjectionsHost) => [
            natsReady(nc),
            postgresReady(db),
            projectionsReady(() => host.runners),
          ],
        }),
        ...(config.CONSOLE_DIST
          ? [ServeStaticModule.forRoot({ rootPath: config.CONSOLE_DIST, exclude: ['/api/{*path}', '/healthz', '/readyz'] })]
          : []),
      ],
      controllers: [
        TasksController,
        WorkersController,
        ProvisioningLogController,
        ServicesController,
        PanelServersController,
        LiveController,
      ],
      providers: [
        { provide: TASKS_READER, inject: [DATABASE], useFactory: (db: Kysely<any>) => new ListReader(db.withSchema(tasksSchema)) },
        { provide: TASKS_DB, inject: [DATABASE], useFactory: (db: Kysely<any>) => db.withSchema(tasksSchema) },
        {
          provide: PROVISIONING_READER,
          inject: [DATABASE],
          useFactory: (db: Kysely<any>) => new ListReader(db.withSchema(provisioningSchema)),
        },
        { provide: PROVISIONING_DB, inject: [DATABASE], useFactory: (db: Kysely<any>) => db.withSchema(provisioningSchema) },
        { provide: APP_FILTER, useClass: CommandErrorFilter },
        { provide: LIVE_HEARTBEAT_MS, useValue: config.LIVE_HEARTBEAT_MS },
      ],
    };
  }
}
