import { settingsV1 } from '@opsledger/contracts';

/**
 * A log kept for one of Settings → Retention's periods (the Email Log, the IP Log), and which of its records that
 * period lets go. The setting is the audit service's section on SETTINGS (evt.settings.section.retention); a log's
 * service folds only the period it applies. Until an admin saves the section a log keeps 90 days, the audit service's
 * default for both.
 */
export type LogRetentionPeriod = 'emailLogDays' | 'ipLogDays';

export const DEFAULT_LOG_DAYS = 90;
const DAY_MS = 86_400_000;

export interface LogRetention {
  days: number;
}

/** One record of the log, as its service's private index holds it: the aggregate's id and when it happened. */
export interface LogRecord {
  id: string;
  at: Date;
}

export interface PruneLog {
  kind: 'PruneLog';
  now: Date;
  /** Records to judge (a page of the service's index). */
  records: readonly LogRecord[];
}

/** The decision: this record is older than the period and leaves the stream and the read models. */
export interface LogRecordExpired {
  kind: 'LogRecordExpired';
  id: string;
  before: Date;
}

export type LogRetentionEvent = settingsV1.SectionEvent | LogRecordExpired;

/** Records before now minus the period are kept no longer; one exactly at the cutoff stays. */
export const logCutoff = (state: LogRetention, now: Date): Date => new Date(now.getTime() - state.days * DAY_MS);

/** The retention decider of the log kept for `period`. */
export function logRetentionDecider(period: LogRetentionPeriod) {
  return {
    initialState: (): LogRetention => ({ days: DEFAULT_LOG_DAYS }),
    evolve(state: LogRetention, event: LogRetentionEvent): LogRetention {
      if ('kind' in event || event.$typeName !== settingsV1.RetentionSettingsChangedSchema.typeName) return state;
      return { days: event[period] };
    },
    decide(state: LogRetention, command: PruneLog): LogRecordExpired[] {
      const before = logCutoff(state, command.now);
      return command.records.filter((r) => r.at.getTime() < before.getTime()).map((r) => ({ kind: 'LogRecordExpired', id: r.id, before }));
    },
  };
}
