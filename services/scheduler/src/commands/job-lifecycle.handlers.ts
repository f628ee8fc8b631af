import { schedulerV1 } from '@opsledger/contracts';
import { actorSchema, type CommandHandler } from '@opsledger/messaging';
import { commandContext } from '@opsledger/service-runtime';
import { z } from 'zod';
import { executeJobCommand, type JobCommandDeps } from './execute-job-command';

type JobHandler<D extends typeof schedulerV1.PauseJobCommand | typeof schedulerV1.ResumeJobCommand | typeof schedulerV1.RunJobNowCommand> =
  CommandHandler<D['command'], D['result']>;

const jobId = z.string('job_id is required').min(1, 'job_id is required').max(200);
const note = z.string().max(500, 'at most 500 characters');

/** Pause: the schedule stops taking runs until resumed (409 with the rule when already paused). */
export function pauseJobHandler(deps: JobCommandDeps): JobHandler<typeof schedulerV1.PauseJobCommand> {
  return {
    definition: schedulerV1.PauseJobCommand,
    schema: z.object({ actor: actorSchema, jobId, note }),
    async handle(command, meta) {
      const { version } = await executeJobCommand(
        deps,
        command.jobId,
        { kind: 'PauseJob', note: command.note.trim(), now: deps.now() },
        commandContext(command, meta),
      );
      return { jobId: command.jobId, version: BigInt(version) };
    },
  };
}

/** Resume: the schedule takes runs again (409 with the rule when it is not paused). */
export function resumeJobHandler(deps: JobCommandDeps): JobHandler<typeof schedulerV1.ResumeJobCommand> {
  return {
    definition: schedulerV1.ResumeJobCommand,
    schema: z.object({ actor: actorSchema, jobId, note }),
    async handle(command, meta) {
      const { version } = await executeJobCommand(
        deps,
        command.jobId,
        { kind: 'ResumeJob', note: command.note.trim(), now: deps.now() },
        commandContext(command, meta),
      );
      return { jobId: command.jobId, version: BigInt(version) };
    },
  };
}

/**
 * Run now: records the request (JobRunRequested); the dispatcher starts the
 * run from the stream, once, and the run carries the request id returned here.
 */
export function runJobNowHandler(deps: JobCommandDeps): JobHandler<typeof schedulerV1.RunJobNowCommand> {
  return {
    definition: schedulerV1.RunJobNowCommand,
    schema: z.object({ actor: actorSchema, jobId }),
    async handle(command, meta) {
      const requestId = deps.newId();
      const { version } = await executeJobCommand(
        deps,
        command.jobId,
        { kind: 'RunJobNow', requestId, now: deps.now() },
        commandContext(command, meta),
      );
      return { jobId: command.jobId, version: BigInt(version), requestId };
    },
  };
}
