import { create } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { schedulerV1 } from '@opsledger/contracts';
import { deciderSpec } from '@opsledger/testing/decider-spec';
import { describe, it } from 'vitest';
import { type JobCommand, jobDecider, JobNotFound, JobRuleViolation } from './job.decider';
import type { JobEvent } from './job.events';
import type { JobDeclaration } from './job-registry';

const given = deciderSpec(jobDecider);
const now = new Date('2026-11-23T10:00:00Z');
const at = timestampFromDate(now);
const jobId = 'billing.hourly-charge';

const declaration: JobDeclaration = {
  id: jobId,
  title: 'Hourly billing charge',
  command: 'append HourlyChargeRequested to evt.scheduler.billing-hour.<last complete hour>',
  description: 'Charges the last complete hour.',
  cron: '*/2 * * * *',
  timezone: 'UTC',
  maxRunSeconds: 60,
  allowOverlap: false,
};

const registered = (d: JobDeclaration, cron = d.cron, timezone = d.timezone) =>
  create(schedulerV1.JobRegisteredSchema, {
    jobId,
    title: d.title,
    command: d.command,
    description: d.description,
    cron,
    timezone,
    maxRunSeconds: d.maxRunSeconds,
    allowOverlap: d.allowOverlap,
    registeredAt: at,
    defaultCron: d.cron,
    defaultTimezone: d.timezone,
  });
const rescheduled = (cron: string, timezone: string, previousCron = declaration.cron, previousTimezone = declaration.timezone) =>
  create(schedulerV1.JobScheduleChangedSchema, { jobId, cron, timezone, previousCron, previousTimezone, changedAt: at });
const paused = (note = 'billing freeze') => create(schedulerV1.JobPausedSchema, { jobId, note, pausedAt: at });
const resumed = (note = '') => create(schedulerV1.JobResumedSchema, { jobId, note, resumedAt: at });
const requested = create(schedulerV1.JobRunRequestedSchema, { jobId, requestId: 'req-1', requestedAt: at });

const cmd = {
  register: (d = declaration): JobCommand => ({ kind: 'RegisterJob', declaration: d, now }),
  change: (cron: string, timezone = ''): JobCommand => ({ kind: 'ChangeJobSchedule', cron, timezone, now }),
  pause: (note = 'billing freeze'): JobCommand => ({ kind: 'PauseJob', note, now }),
  resume: (note = ''): JobCommand => ({ kind: 'ResumeJob', note, now }),
  runNow: { kind: 'RunJobNow', requestId: 'req-1', now } as JobCommand,
};

const longer = { ...declaration, maxRunSeconds: 120 };
const newDefault = { ...declaration, cron: '*/5 * * * *' };

interface Case {
  name: string;
  given: JobEvent[];
  when: JobCommand;
  then?: JobEvent[];
  refused?: RegExp;
}

const cases: Case[] = [
  {
    name: 'register: a job seen for the first time is registered on its default schedule',
    given: [],
    when: cmd.register(),
    then: [registered(declaration)],
  },
  {
    name: 'register: the same declaration again (a restart) adds nothing',
    given: [registered(declaration)],
    when: cmd.register(),
    then: [],
  },
  {
    name: 'register: a restart after pauses and runs adds nothing either',
    given: [registered(declaration), paused(), requested],
    when: cmd.register(),
    then: [],
  },
  {
    name: 'register: a changed declaration is registered again',
    given: [registered(declaration)],
    when: cmd.register(longer),
    then: [registered(longer)],
  },
  {
    name: 'register: a new default cron applies when the operator never edited the schedule',
    given: [registered(declaration)],
    when: cmd.register(newDefault),
    then: [registered(newDefault)],
  },
  {
    name: 'register: a changed declaration keeps an operator’s cron edit over the new default',
    given: [registered(declaration), rescheduled('0 * * * *', 'Europe/Berlin')],
    when: cmd.register(newDefault),
    then: [registered(newDefault, '0 * * * *', 'Europe/Berlin')],
  },
  {
    name: 'register: an edit set back to the default is no edit: the new default applies',
    given: [registered(declaration), rescheduled('0 * * * *', 'UTC'), rescheduled('*/2 * * * *', 'UTC', '0 * * * *')],
    when: cmd.register(newDefault),
    then: [registered(newDefault)],
  },

  { name: 'pause: a running job is paused with its note', given: [registered(declaration)], when: cmd.pause(), then: [paused()] },
  {
    name: 'pause: pausing a paused job is refused with the rule',
    given: [registered(declaration), paused()],
    when: cmd.pause('again'),
    refused: /billing.hourly-charge is already paused \(“billing freeze”\); resume it first/,
  },
  {
    name: 'pause: a new release does not unpause a paused job',
    given: [registered(declaration), paused(), registered(longer)],
    when: cmd.pause(),
    refused: /already paused/,
  },
  {
    name: 'resume: a paused job resumes',
    given: [registered(declaration), paused()],
    when: cmd.resume('freeze over'),
    then: [resumed('freeze over')],
  },
  {
    name: 'resume: resuming a job that is not paused is refused with the rule',
    given: [registered(declaration)],
    when: cmd.resume(),
    refused: /billing.hourly-charge is not paused: it already runs on its schedule/,
  },
  {
    name: 'resume: twice is refused the second time',
    given: [registered(declaration), paused(), resumed()],
    when: cmd.resume(),
    refused: /is not paused/,
  },

  {
    name: 'change schedule: a new cron and zone, with the previous ones',
    given: [registered(declaration)],
    when: cmd.change('0 * * * *', 'Europe/Berlin'),
    then: [rescheduled('0 * * * *', 'Europe/Berlin')],
  },
  {
    name: 'change schedule: an empty zone keeps the job’s zone',
    given: [registered(declaration), rescheduled('0 * * * *', 'Europe/Berlin')],
    when: cmd.change('15 * * * *'),
    then: [rescheduled('15 * * * *', 'Europe/Berlin', '0 * * * *', 'Europe/Berlin')],
  },
  {
    name: 'change schedule: to what it already is changes nothing',
    given: [registered(declaration)],
    when: cmd.change('*/2 * * * *', 'UTC'),
    then: [],
  },

  { name: 'run now: a run is requested with the request id', given: [registered(declaration)], when: cmd.runNow, then: [requested] },
  {
    name: 'run now: a paused job may still be run by hand',
    given: [registered(declaration), paused()],
    when: cmd.runNow,
    then: [requested],
  },
];

describe('job decider', () => {
  it.each(cases)('$name', (c) => {
    const spec = given(c.given).when(c.when);
    if (c.refused) spec.thenThrows(JobRuleViolation, c.refused);
    else spec.then(c.then!);
  });

  it.each([cmd.pause(), cmd.resume(), cmd.change('0 * * * *'), cmd.runNow])('$kind on a job never registered is not found', (command) => {
    given([]).when(command).thenThrows(JobNotFound);
  });
});
