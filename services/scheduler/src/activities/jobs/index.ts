import { declaredJobs, JOB_IDS, type RegistrySettings } from '../../domain/job-registry';
import { auditRetentionJob } from './audit-retention.job';
import { dailySnapshotJob } from './daily-snapshot.job';
import { emailRetentionJob } from './email-retention.job';
import { hourlyChargeJob } from './hourly-charge.job';
import type { JobBody, JobDeps, ScheduledJob } from './job';
import { loginsRetentionJob } from './logins-retention.job';
import { provisioningPruneJob } from './provisioning-prune.job';
import { stuckSweepJob } from './stuck-sweep.job';

export type { JobBody, JobDeps, JobIo, ScheduledJob } from './job';

/** Each declared job with the body that does it; a declaration without a body is a bug caught at start. */
export function scheduledJobs(deps: JobDeps, settings: RegistrySettings): ScheduledJob[] {
  const bodies: Record<string, JobBody> = {
    [JOB_IDS.auditRetention]: auditRetentionJob(deps),
    [JOB_IDS.dailySnapshot]: dailySnapshotJob(deps),
    [JOB_IDS.emailRetention]: emailRetentionJob(deps),
    [JOB_IDS.hourlyCharge]: hourlyChargeJob(deps),
    [JOB_IDS.loginsRetention]: loginsRetentionJob(deps),
    [JOB_IDS.provisioningPrune]: provisioningPruneJob(deps, settings.provisioningRetentionDays),
    [JOB_IDS.stuckSweep]: stuckSweepJob(deps),
  };
  return declaredJobs(settings).map((declaration) => {
    const run = bodies[declaration.id];
    if (!run) throw new Error(`job ${declaration.id} is declared but has no body`);
    return { declaration, run };
  });
}
