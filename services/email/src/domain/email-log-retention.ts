import { settingsV1 } from '@opsledger/contracts';

/**
 * Settings → Retention's email-log period, and which Email Log records it
 * lets go. The setting is the audit service's section on SETTINGS
 * (evt.settings.section.retention); this service folds only the period it
 * applies. Until an admin saves the section the Email Log keeps 90 days, the
 * audit service's default for it.
 */
export const DEFAULT_EMAIL_LOG_DAYS = 90;
const DAY_MS = 86_400_000;

export interface EmailLogRetention {
  days: number;
}

/** One Email Log record: the email's id and when it was queued. */
export interface EmailLogRecord {
  id: string;
  at: Date;
}

export interface PruneEmailLog {
  kind: 'PruneEmailLog';
  now: Date;
  /** Records to judge (a page of the service's index). */
  records: readonly EmailLogRecord[];
}

/** The decision: this record is older than the period and leaves the stream and the read models. */
export interface EmailLogRecordExpired {
  kind: 'EmailLogRecordExpired';
  id: string;
  before: Date;
}

export type EmailLogRetentionEvent = settingsV1.SectionEvent | EmailLogRecordExpired;

export const initialEmailLogRetention = (): EmailLogRetention => ({ days: DEFAULT_EMAIL_LOG_DAYS });

export function evolve(state: EmailLogRetention, event: EmailLogRetentionEvent): EmailLogRetention {
  if ('kind' in event || event.$typeName !== settingsV1.RetentionSettingsChangedSchema.typeName) return state;
  return { days: event.emailLogDays };
}

/** Records queued before now minus the period are kept no longer; one exactly at the cutoff stays. */
export const emailLogCutoff = (state: EmailLogRetention, now: Date): Date => new Date(now.getTime() - state.days * DAY_MS);

export function decide(state: EmailLogRetention, command: PruneEmailLog): EmailLogRecordExpired[] {
  const before = emailLogCutoff(state, command.now);
  return command.records.filter((r) => r.at.getTime() < before.getTime()).map((r) => ({ kind: 'EmailLogRecordExpired', id: r.id, before }));
}

export const emailLogRetentionDecider = { initialState: initialEmailLogRetention, evolve, decide };
