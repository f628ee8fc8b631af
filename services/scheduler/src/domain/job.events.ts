import type { schedulerV1 } from '@opsledger/contracts';

/** Events of the job aggregate, as their protobuf messages (the union lives with the contract). */
export type JobEvent = schedulerV1.JobEvent;

/** A job's declaration as last registered: what a new release is compared with. */
export interface RegisteredDeclaration {
  title: string;
  command: string;
  description: string;
  defaultCron: string;
  defaultTimezone: string;
  maxRunSeconds: number;
  allowOverlap: boolean;
}

export type JobState =
  | { status: 'absent' }
  | {
      status: 'registered';
      jobId: string;
      declaration: RegisteredDeclaration;
      /** The schedule in force: the default, or an operator's edit. */
      cron: string;
      timezone: string;
      paused: boolean;
      pausedNote: string;
    };

export const initialJobState = (): JobState => ({ status: 'absent' });

/** Folds one event into the job's state. Pure. */
export function evolve(state: JobState, event: JobEvent): JobState {
  if (event.$typeName === 'platform.scheduler.v1.JobRegistered') {
    const { jobId, title, command, description, defaultCron, defaultTimezone, maxRunSeconds, allowOverlap, cron, timezone } = event;
    return {
      status: 'registered',
      jobId,
      declaration: { title, command, description, defaultCron, defaultTimezone, maxRunSeconds, allowOverlap },
      cron,
      timezone,
      // A new release does not unpause a job an operator paused.
      paused: state.status === 'registered' ? state.paused : false,
      pausedNote: state.status === 'registered' ? state.pausedNote : '',
    };
  }
  if (state.status === 'absent') return state;
  switch (event.$typeName) {
    case 'platform.scheduler.v1.JobScheduleChanged':
      return { ...state, cron: event.cron, timezone: event.timezone };
    case 'platform.scheduler.v1.JobPaused':
      return { ...state, paused: true, pausedNote: event.note };
    case 'platform.scheduler.v1.JobResumed':
      return { ...state, paused: false, pausedNote: '' };
    case 'platform.scheduler.v1.JobRunRequested':
      return state;
    default: {
      const never: never = event;
      return never;
    }
  }
}

/** Whether the schedule in force is an operator's edit rather than the declared default. */
export const scheduleEdited = (state: Extract<JobState, { status: 'registered' }>): boolean =>
  state.cron !== state.declaration.defaultCron || state.timezone !== state.declaration.defaultTimezone;
