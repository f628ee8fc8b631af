import type { HealthIndicatorResult, HealthIndicatorService } from '@nestjs/terminus';
import type { NatsConnection } from '@nats-io/transport-node';
import type { Request } from 'express';
import type { ProjectionStatus } from '@opsledger/eventstore';
import { type Kysely, sql } from 'kysely';

export type ReadinessCheck = (indicator: HealthIndicatorService) => Promise<HealthIndicatorResult>;
export const READINESS_CHECKS = Symbol('READINESS_CHECKS');

/** Whether a /readyz caller may see the details (servers, errors, projections); absent: everyone may. */
export type ReadinessDetailsFor = (req: Request) => Promise<boolean>;
export const READINESS_DETAILS_FOR = Symbol('READINESS_DETAILS_FOR');

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

/** Down until the service's start-up reconcile has succeeded once; up (with nothing to say) for a service without one. */
export function reconciledReady(state: () => { done: boolean; lastError?: string } | undefined): ReadinessCheck {
  return async (indicator) => {
    const check = indicator.check('reconciled');
    const s = state();
    if (!s) return check.up();
    return s.done ? check.up() : check.down(s.lastError ? { error: s.lastError } : { pending: true });
  };
}
