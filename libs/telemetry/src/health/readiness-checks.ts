import type { HealthIndicatorResult, HealthIndicatorService } from '@nestjs/terminus';
import type { NatsConnection } from '@nats-io/transport-node';
import type { ProjectionStatus } from '@opsledger/eventstore';
import { type Kysely, sql } from 'kysely';

export type ReadinessCheck = (indicator: HealthIndicatorService) => Promise<HealthIndicatorResult>;
export const READINESS_CHECKS = Symbol('READINESS_CHECKS');

export function postgresReady(db: Kysely<any>): ReadinessCheck {
  return async (indicator) => {
    const check = indicator.check('postgres');
    try {
      await sql`select 1`.execute(db);
      return check.up();
    } catch (error) {
      return check.down({ error: (error as Error).message });
    }
  };
}

export function natsReady(nc: NatsConnection): ReadinessCheck {
  return async (indicator) => {
    const check = indicator.check('nats');
    if (nc.isClosed()) return check.down({ error: 'connection closed' });
    try {
      // A round trip, so a connection stuck reconnecting reports down.
      const rtt = await nc.rtt();
      return check.up({ server: nc.getServer(), rttMs: rtt });
    } catch (error) {
      return check.down({ server: nc.getServer(), error: (error as Error).message });
    }
  };
}

/**
 * Ready while every projection consumes; each reports its checkpoint and lag
 * (stream last sequence − checkpoint). Lag alone does not make a service
 * unready: one catching up after a restart still serves what it has.
 */
export function projectionsReady(runners: () => readonly { status(): Promise<ProjectionStatus> }[]): ReadinessCheck {
  return async (indicator) => {
    const check = indicator.check('projections');
    try {
      const statuses = await Promise.all(runners().map((r) => r.status()));
      const details = Object.fromEntries(statuses.map((s) => [s.projection, s]));
      return statuses.every((s) => s.running) ? check.up(details) : check.down(details);
    } catch (error) {
      return check.down({ error: (error as Error).message });
    }
  };
}
