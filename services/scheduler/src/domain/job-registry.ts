/**
 * The recurring jobs, as code: what each runs, when by default, for how long
 * at most, and whether two runs may overlap. The service registers each at
 * start (JobRegistered) and keeps one Temporal Schedule per job; operators
 * change only when a job runs, pause it, resume it, or run it now.
 */
export interface JobDeclaration {
  /** Registry name, dot-separated (see refs.ts). */
  id: string;
  title: string;
  /**
   * What it runs, as an operator reads it: the command it sends (or the CLI
   * line that sends the same), never a command that does not exist.
   */
  command: string;
  description: string;
  /** Default five-field cron expression, in `timezone`. */
  cron: string;
  /** IANA zone the cron is read in. */
  timezone: string;
  /** A run still going after this long is cut off and recorded as timed out. */
  maxRunSeconds: number;
  /** Whether a run may start while the previous one is still going. */
  allowOverlap: boolean;
}

export interface RegistrySettings {
  /** Provisioning Log entries older than this are pruned (SCHEDULER_PROVISIONING_RETENTION_DAYS). */
  provisioningRetentionDays: number;
}

export const JOB_IDS = {
  auditRetention: 'audit.retention',
  dailySnapshot: 'instance.daily-snapshot',
  emailRetention: 'email.retention',
  hourlyCharge: 'billing.hourly-charge',
  loginsRetention: 'logins.retention',
  provisioningPrune: 'provisioning.prune',
  stuckSweep: 'tasks.stuck-sweep',
} as const;

/** Every job the scheduler runs. A change here is a new JobRegistered at the next start (an operator's cron edit is kept). */
export function declaredJobs(settings: RegistrySettings): JobDeclaration[] {
  return [
    {
      id: JOB_IDS.auditRetention,
      title: 'Audit Log retention',
      command: 'cmd.audit.prune-audit-log',
      description:
        'Removes Audit Log entries older than Settings → Retention keeps (365 days unless changed), through the audit service, which records a checkpoint so the rest of the chain still verifies.',
      cron: '45 3 * * *',
      timezone: 'UTC',
      maxRunSeconds: 900,
      allowOverlap: false,
    },
    {
      id: JOB_IDS.dailySnapshot,
      title: 'Daily instance snapshots',
      command: 'cmd.tasks.create-task {type: instance.snapshot} for each instance with daily backup on',
      description: 'Creates one instance.snapshot task for every deployed instance whose daily backup is on.',
      cron: '0 2 * * *',
      timezone: 'UTC',
      maxRunSeconds: 600,
      allowOverlap: false,
    },
    {
      id: JOB_IDS.emailRetention,
      title: 'Email Log retention',
      command: 'cmd.email.prune-email-log',
      description:
        'Removes Email Log records queued longer ago than Settings → Retention keeps (90 days unless changed), from the EMAIL stream and every read model, through the email service.',
      cron: '0 4 * * *',
      timezone: 'UTC',
      maxRunSeconds: 900,
      allowOverlap: false,
    },
    {
      id: JOB_IDS.hourlyCharge,
      title: 'Hourly billing charge',
      command: 'append HourlyChargeRequested to evt.scheduler.billing-hour.<last complete hour>',
      description:
        'Asks the billing system to charge the last complete hour, once per hour: later runs in the same hour find it requested.',
      cron: '*/2 * * * *',
      timezone: 'UTC',
      maxRunSeconds: 60,
      allowOverlap: false,
    },
    {
      id: JOB_IDS.loginsRetention,
      title: 'IP Log retention',
      command: 'cmd.logins.prune-ip-log',
      description:
        'Removes IP Log sign-in attempts older than Settings → Retention keeps (90 days unless changed), from the LOGINS stream and every read model, through the logins service; brute-force blocks stay.',
      cron: '15 4 * * *',
      timezone: 'UTC',
      maxRunSeconds: 900,
      allowOverlap: false,
    },
    {
      id: JOB_IDS.provisioningPrune,
      title: 'Prune the Provisioning Log',
      command: `opsledger provisioning prune --days=${settings.provisioningRetentionDays}`,
      description: `Removes Provisioning Log entries older than ${settings.provisioningRetentionDays} days, through the provisioning service.`,
      cron: '30 3 * * *',
      timezone: 'UTC',
      maxRunSeconds: 900,
      allowOverlap: false,
    },
    {
      id: JOB_IDS.stuckSweep,
      title: 'Flag stuck tasks',
      command: 'cmd.tasks.sweep-stuck-tasks',
      description: 'Adds a warning line to every running task that has made no progress for longer than its type allows (once per stall).',
      cron: '*/5 * * * *',
      timezone: 'UTC',
      maxRunSeconds: 120,
      allowOverlap: false,
    },
  ];
}
