import { type DynamicModule, Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { CsvExport } from '../api/list/csv-export';
import { databaseProviders } from '../database.provider';
import type { NatsConnection } from '@nats-io/transport-node';
import { NATS_CONNECTION } from '@opsledger/messaging';
import { LiveHub, liveNoticesSubject } from '../live/live-hub';
import { DATABASE, PROJECTION_SETTINGS, type ProjectionSettings } from './projection.tokens';
import { ProjectionsHost } from './projections.host';

export interface ProjectionsModuleOptions {
  databaseUrl: string;
  settings: ProjectionSettings;
}

/**
 * The database, the live hub, and the host that runs every projection a
 * context module contributes; global so context modules can read them.
 */
@Module({})
export class ProjectionsModule {
  static forRoot(options: ProjectionsModuleOptions): DynamicModule {
    return {
      module: ProjectionsModule,
      global: true,
      imports: [DiscoveryModule],
      providers: [
        ...databaseProviders(options.databaseUrl),
        {
          provide: LiveHub,
          inject: [NATS_CONNECTION],
          useFactory: (nc: NatsConnection) => LiveHub.overNats(nc, liveNoticesSubject(options.settings.prefix)),
        },
        { provide: PROJECTION_SETTINGS, useValue: options.settings },
        ProjectionsHost,
      ],
      exports: [DATABASE, CsvExport, LiveHub, PROJECTION_SETTINGS, ProjectionsHost],
    };
  }
}
