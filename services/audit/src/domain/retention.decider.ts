import { create } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { settingsV1 } from '@opsledger/contracts';

/** Settings → Retention: how many days each log keeps. */
export interface RetentionDays {
  auditDays: number;
  emailLogDays: number;
  ipLogDays: number;
}

/** Until an admin saves the section: the Audit Log a year, the Email Log and the IP Log 90 days. */
export const DEFAULT_RETENTION: RetentionDays = { auditDays: 365, emailLogDays: 90, ipLogDays: 90 };

/** The ranges the boundary checks (and the decider trusts). */
export const RETENTION_RANGES = {
  auditDays: { min: 30, max: 3650 },
  emailLogDays: { min: 1, max: 3650 },
  ipLogDays: { min: 1, max: 3650 },
} as const;

export type RetentionState = RetentionDays & { saved: boolean };

export interface ChangeRetentionSettings extends RetentionDays {
  kind: 'ChangeRetentionSettings';
  now: Date;
}

export const initialRetentionState = (): RetentionState => ({ ...DEFAULT_RETENTION, saved: false });

export function evolve(state: RetentionState, event: settingsV1.SectionEvent): RetentionState {
  if (event.$typeName !== settingsV1.RetentionSettingsChangedSchema.typeName) return state;
  return { auditDays: event.auditDays, emailLogDays: event.emailLogDays, ipLogDays: event.ipLogDays, saved: true };
}

/** A change records the whole section; saving what is already saved records nothing. */
export function decide(state: RetentionState, command: ChangeRetentionSettings): settingsV1.RetentionSettingsChanged[] {
  const same =
    state.saved &&
    state.auditDays === command.auditDays &&
    state.emailLogDays === command.emailLogDays &&
    state.ipLogDays === command.ipLogDays;
  if (same) return [];
  return [
    create(settingsV1.RetentionSettingsChangedSchema, {
      auditDays: command.auditDays,
      emailLogDays: command.emailLogDays,
      ipLogDays: command.ipLogDays,
      at: timestampFromDate(command.now),
    }),
  ];
}

export const retentionDecider = { initialState: initialRetentionState, evolve, decide };
