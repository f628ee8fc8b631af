import { type DynamicModule, Module } from '@nestjs/common';
import type { Kysely } from 'kysely';
import { databaseProviders } from '../database.provider';
import { LiveHub } from '../live/live-hub';
import {
  DATABASE,
  PROJECTION_SETTINGS,
  PROJECTIONS,
  type ProjectionEntry,
  type ProjectionSettings,
  ProjectionsHost,
} from './projections.host';

export interface ProjectionsModuleOptions {
  databaseUrl: string;
  settings: ProjectionSettings;
  projections: (db: Kysely<any>, hub: LiveHub) => ProjectionEntry[];
}

/** The database, the live hub and the projections that fill the one and feed the other; global so API modules can read them. */
@Module({})
export class ProjectionsModule {
  static forRoot(options: ProjectionsModuleOptions): DynamicModule {
    return {
      module: ProjectionsModule,
      global: true,
      providers: [
        ...databaseProviders(options.databaseUrl),
        { provide: LiveHub, useValue: new LiveHub() },
        { provide: PROJECTIONS, inject: [DATABASE, LiveHub], useFactory: options.projections },
        { provide: PROJECTION_SETTINGS, useValue: options.settings },
        ProjectionsHost,
      ],
      exports: [DATABASE, LiveHub, ProjectionsHost],
    };
  }
}
