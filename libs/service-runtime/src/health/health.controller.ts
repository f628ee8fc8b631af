import { Controller, Get, Inject, Req, ServiceUnavailableException } from '@nestjs/common';
import type { Request } from 'express';
import { HealthCheck, HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';
import { Public } from '../public-route';
import { READINESS_CHECKS, READINESS_DETAILS_FOR, type ReadinessCheck, type ReadinessDetailsFor } from './readiness-checks';

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
    @Inject(READINESS_DETAILS_FOR) private readonly detailsFor: ReadinessDetailsFor | undefined,
  ) {}

  @Get('healthz')
  @HealthCheck()
  live() {
    return this.health.check([]);
  }

  /** 200 or 503 with every check's details, or, for a caller `detailsFor` turns away, with the status alone. */
  @Get('readyz')
  @HealthCheck()
  async ready(@Req() req: Request) {
    const details = this.detailsFor ? await this.detailsFor(req).catch(() => false) : true;
    try {
      const result = await this.health.check(this.checks.map((check) => () => check(this.indicator)));
      return details ? result : { status: result.status };
    } catch (error) {
      if (!details && error instanceof ServiceUnavailableException) throw new ServiceUnavailableException({ status: 'error' });
      throw error;
    }
  }
}
