import { type DynamicModule, type InjectionToken, Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { HealthController } from './health.controller';
import { READINESS_CHECKS, type ReadinessCheck } from './readiness-checks';

export interface HealthModuleOptions {
  inject: InjectionToken[];
  useFactory: (...deps: any[]) => ReadinessCheck[];
}

/** /healthz and /readyz through Terminus, with the readiness checks the service lists. */
@Module({})
export class HealthModule {
  static forRoot(options: HealthModuleOptions): DynamicModule {
    return {
      module: HealthModule,
      imports: [TerminusModule.forRoot({ logger: false })],
      controllers: [HealthController],
      providers: [{ provide: READINESS_CHECKS, inject: options.inject, useFactory: options.useFactory }],
    };
  }
}
