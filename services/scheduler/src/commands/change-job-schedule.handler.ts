import { schedulerV1 } from '@opsledger/contracts';
import { actorSchema, type CommandHandler } from '@opsledger/messaging';
import { commandContext } from '@opsledger/service-runtime';
import { z } from 'zod';
import { cronProblem, normalizeCron, timezoneProblem } from '../domain/cron';
import { executeJobCommand, type JobCommandDeps } from './execute-job-command';

/**
 * The rules of a schedule edit at the boundary: a five-field cron that
 * cron-parser, cronstrue and Temporal all read alike, and an IANA zone
 * (empty keeps the job's). A bad one is a validation error naming the field
 * and saying why, before anything is written or sent to Temporal.
 */
export const changeJobScheduleSchema = z.object({
  actor: actorSchema,
  jobId: z.string('job_id is required').min(1, 'job_id is required').max(200),
  cron: z.string('cron is required').superRefine((cron, ctx) => {
    const problem = cronProblem(cron);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  }),
  timezone: z.string().superRefine((timezone, ctx) => {
    const problem = timezone === '' ? undefined : timezoneProblem(timezone);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  }),
});

export function changeJobScheduleHandler(
  deps: JobCommandDeps,
): CommandHandler<typeof schedulerV1.ChangeJobScheduleCommand.command, typeof schedulerV1.ChangeJobScheduleCommand.result> {
  return {
    definition: schedulerV1.ChangeJobScheduleCommand,
    schema: changeJobScheduleSchema,
    async handle(command, meta) {
      const { version } = await executeJobCommand(
        deps,
        command.jobId,
        { kind: 'ChangeJobSchedule', cron: normalizeCron(command.cron), timezone: command.timezone, now: deps.now() },
        commandContext(command, meta),
      );
      return { jobId: command.jobId, version: BigInt(version) };
    },
  };
}
