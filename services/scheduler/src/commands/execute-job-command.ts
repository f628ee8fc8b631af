import { type AppendContext, handleCommand, type HandleCommandDeps } from '@opsledger/eventstore';
import { type JobCommand, jobDecider, JobNotFound } from '../domain/job.decider';
import { jobRef } from '../domain/refs';

export interface JobCommandDeps extends HandleCommandDeps {
  now: () => Date;
  /** The ids of the jobs this release declares. */
  jobIds: readonly string[];
}

/** A command to one job, through the shared load → decide → append; a job the registry does not declare is 404. */
export function executeJobCommand(deps: JobCommandDeps, jobId: string, command: JobCommand, ctx: AppendContext) {
  if (!deps.jobIds.includes(jobId)) throw new JobNotFound(`no job ${JSON.stringify(jobId)}; the jobs are ${deps.jobIds.join(', ')}`);
  return handleCommand(deps, jobRef(jobId), jobDecider, command, ctx);
}
