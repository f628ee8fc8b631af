import { Controller, Get, Inject } from '@nestjs/common';
import { HealthCheck, HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';
import { Public } from '../public-route';
import { READINESS_CHECKS, type ReadinessCheck } from './readiness-checks';

/**
 * /healthz: the process is alive (Kubernetes restarts it otherwise).
 * /readyz: it can do its work now: its dependencies answer and its projections run.
 */
@Public()
@Controller()
export class HealthController {
  constructor(
    @Inject(HealthCheckService) private readonly health: HealthCheckService,
    @Inject(HealthIndicatorService) private readonly indicator: HealthIndicatorService,
    @Inject(READINESS_CHECKS) private readonly checks: ReadinessCheck[],
  ) {}

  @Get('healthz')
  @HealthCheck()
  live() {
    return this.health.check([]);
  }

  @Get('readyz')
  @HealthCheck()
  ready() {
    return this.health.check(this.checks.map((check) => () => check(this.indicator)));
  }
}
