import { settingsV1 } from '@opsledger/contracts';

/**
 * Settings → Retention's IP-log period, and which IP Log sign-in attempts it
 * lets go. The setting is the audit service's section on SETTINGS
 * (evt.settings.section.retention); this service folds only the period it
 * applies. Until an admin saves the section the IP Log keeps 90 days, the
 * audit service's default for it.
 */
export const DEFAULT_IP_LOG_DAYS = 90;
const DAY_MS = 86_400_000;

export interface IpLogRetention {
  days: number;
}

/** One IP Log row: the sign-in attempt's id and when it was made. */
export interface IpLogAttempt {
  id: string;
  at: Date;
}

export interface PruneIpLog {
  kind: 'PruneIpLog';
  now: Date;
  /** Records to judge (a page of the service's index). */
  records: readonly IpLogAttempt[];
}

/** The decision: this attempt is older than the period and leaves the stream and the read models. */
export interface IpLogAttemptExpired {
  kind: 'IpLogAttemptExpired';
  id: string;
  before: Date;
}

export type IpLogRetentionEvent = settingsV1.SectionEvent | IpLogAttemptExpired;

export const initialIpLogRetention = (): IpLogRetention => ({ days: DEFAULT_IP_LOG_DAYS });

export function evolve(state: IpLogRetention, event: IpLogRetentionEvent): IpLogRetention {
  if ('kind' in event || event.$typeName !== settingsV1.RetentionSettingsChangedSchema.typeName) return state;
  return { days: event.ipLogDays };
}

/** Attempts made before now minus the period are kept no longer; one exactly at the cutoff stays. */
export const ipLogCutoff = (state: IpLogRetention, now: Date): Date => new Date(now.getTime() - state.days * DAY_MS);

export function decide(state: IpLogRetention, command: PruneIpLog): IpLogAttemptExpired[] {
  const before = ipLogCutoff(state, command.now);
  return command.records.filter((r) => r.at.getTime() < before.getTime()).map((r) => ({ kind: 'IpLogAttemptExpired', id: r.id, before }));
}

export const ipLogRetentionDecider = { initialState: initialIpLogRetention, evolve, decide };
