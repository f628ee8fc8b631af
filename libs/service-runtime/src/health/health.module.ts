import { type DynamicModule, type InjectionToken, Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { HealthController } from './health.controller';
import { READINESS_CHECKS, READINESS_DETAILS_FOR, type ReadinessCheck, type ReadinessDetailsFor } from './readiness-checks';

export interface HealthModuleOptions {
  inject: InjectionToken[];
  useFactory: (...deps: any[]) => ReadinessCheck[];
  /** Who sees /readyz's details; the rest get its status only (a public gateway must not tell the world its servers). */
  detailsFor?: { inject: InjectionToken[]; useFactory: (...deps: any[]) => ReadinessDetailsFor };
}

/** /healthz and /readyz through Terminus, with the readiness checks the service lists. */
@Module({})
export class HealthModule {
  static forRoot(options: HealthModuleOptions): DynamicModule {
    return {
      module: HealthModule,
      imports: [TerminusModule.forRoot({ logger: false })],
      controllers: [HealthController],
      providers: [
        { provide: READINESS_CHECKS, inject: options.inject, useFactory: options.useFactory },
        options.detailsFor
          ? { provide: READINESS_DETAILS_FOR, inject: options.detailsFor.inject, useFactory: options.detailsFor.useFactory }
          : { provide: READINESS_DETAILS_FOR, useValue: undefined },
      ],
    };
  }
}
