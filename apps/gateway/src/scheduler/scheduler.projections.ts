import { Inject, Injectable } from '@nestjs/common';
import type { schedulerV1 } from '@opsledger/contracts';
import type { StoredEvent } from '@opsledger/eventstore';
import { GATEWAY_CONFIG, type GatewayConfig } from '../gateway.config';
import type { LiveHub } from '../live/live-hub';
import type { ProjectionEntry } from '../projections/projection.tokens';
import { type ContextReadModel, ContributesProjections, type ProjectionSource } from '../projections/read-model';
import type { SchedulerTables } from './scheduler-tables';
import { schedulerProjection } from './scheduler.projection';
import { SchedulerReadModel } from './scheduler.read-model';

const JOB_EVENTS = new Set(['JobRegistered', 'JobScheduleChanged', 'JobPaused', 'JobResumed', 'JobRunStarted', 'JobRunFinished']);

/** After a batch commits: one notice per job it touched (a run's start or end changes its job's row). Staff only. */
function publishScheduleNotices(hub: LiveHub) {
  return async (events: readonly StoredEvent[]) => {
    const jobs = new Map<string, 'created' | 'updated'>();
    for (const e of events) {
      const name = e.type.slice(e.type.lastIndexOf('.') + 1);
      if (!JOB_EVENTS.has(name)) continue;
      const { jobId } = e.data as schedulerV1.JobEvent | schedulerV1.RunEvent;
      if (!jobs.has(jobId)) jobs.set(jobId, name === 'JobRegistered' ? 'created' : 'updated');
    }
    for (const [id, change] of jobs) hub.publish({ resource: 'schedules', id, change });
  };
}

@ContributesProjections()
@Injectable()
export class SchedulerProjections implements ProjectionSource {
  constructor(
    @Inject(SchedulerReadModel) private readonly readModel: ContextReadModel<SchedulerTables>,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
  ) {}

  projections(hub: LiveHub): ProjectionEntry[] {
    return [
      {
        projection: schedulerProjection(this.readModel.schema, this.config.SCHEDULER_OVERDUE_GRACE_SECONDS),
        onCommitted: publishScheduleNotices(hub),
      },
    ];
  }
}
