import { create } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { schedulerV1 } from '@opsledger/contracts';
import { AggregateNotFound, RuleViolation } from '@opsledger/eventstore';
import type { JobCommand } from './job.commands';
import { evolve, initialJobState, type JobEvent, type JobState, type RegisteredDeclaration, scheduleEdited } from './job.events';
import type { JobDeclaration } from './job-registry';

export type { JobCommand } from './job.commands';

/** A rule refused the command; the message says which, for the operator (409). */
export class JobRuleViolation extends RuleViolation {}

/** No such job (404). */
export class JobNotFound extends AggregateNotFound {}

const declared = (d: JobDeclaration): RegisteredDeclaration => ({
  title: d.title,
  command: d.command,
  description: d.description,
  defaultCron: d.cron,
  defaultTimezone: d.timezone,
  maxRunSeconds: d.maxRunSeconds,
  allowOverlap: d.allowOverlap,
});

const sameDeclaration = (a: RegisteredDeclaration, b: RegisteredDeclaration) =>
  (Object.keys(a) as (keyof RegisteredDeclaration)[]).every((k) => a[k] === b[k]);

export function decide(state: JobState, command: JobCommand): JobEvent[] {
  const at = timestampFromDate(command.now);
  if (command.kind === 'RegisterJob') {
    const next = declared(command.declaration);
    // A restart with the same code adds nothing.
    if (state.status === 'registered' && sameDeclaration(state.declaration, next)) return [];
    // A new release keeps an operator's edit of when the job runs over its new default.
    const keep = state.status === 'registered' && scheduleEdited(state);
    return [
      create(schedulerV1.JobRegisteredSchema, {
        jobId: command.declaration.id,
        ...next,
        cron: keep ? state.cron : next.defaultCron,
        timezone: keep ? state.timezone : next.defaultTimezone,
        registeredAt: at,
      }),
    ];
  }
  if (state.status === 'absent') throw new JobNotFound('job not found');
  const { jobId } = state;

  switch (command.kind) {
    case 'ChangeJobSchedule': {
      const timezone = command.timezone || state.timezone;
      if (command.cron === state.cron && timezone === state.timezone) return [];
      return [
        create(schedulerV1.JobScheduleChangedSchema, {
          jobId,
          cron: command.cron,
          timezone,
          previousCron: state.cron,
          previousTimezone: state.timezone,
          changedAt: at,
        }),
      ];
    }
    case 'PauseJob':
      if (state.paused)
        throw new JobRuleViolation(`${jobId} is already paused${state.pausedNote ? ` (“${state.pausedNote}”)` : ''}; resume it first`);
      return [create(schedulerV1.JobPausedSchema, { jobId, note: command.note, pausedAt: at })];

    case 'ResumeJob':
      if (!state.paused) throw new JobRuleViolation(`${jobId} is not paused: it already runs on its schedule`);
      return [create(schedulerV1.JobResumedSchema, { jobId, note: command.note, resumedAt: at })];

    case 'RunJobNow':
      // Allowed while paused too: pausing stops the schedule, not an operator.
      return [create(schedulerV1.JobRunRequestedSchema, { jobId, requestId: command.requestId, requestedAt: at })];

    default: {
      const never: never = command;
      throw new Error(`unknown command ${JSON.stringify(never)}`);
    }
  }
}

/** The job's rules as one value: what handleCommand runs and what the specs state. */
export const jobDecider = { initialState: initialJobState, evolve, decide };
