import type { AggregateRef } from '@opsledger/contracts';

/**
 * A job id is a registry name of dot-separated parts, each lowercase letters
 * and digits joined by single dashes: `instance.daily-snapshot`. Dots cannot
 * go into a subject token, so the token spells each dot as `_`; job ids never
 * contain `_`, which makes the mapping reversible.
 */
const PART = '[a-z0-9]+(?:-[a-z0-9]+)*';
const JOB_ID = new RegExp(`^${PART}(?:\\.${PART})*$`);
const JOB_TOKEN = new RegExp(`^${PART}(?:_${PART})*$`);

export const isJobId = (value: string): boolean => JOB_ID.test(value);

/** The job id as a subject token: `instance.daily-snapshot` → `instance_daily-snapshot`. */
export function jobToken(jobId: string): string {
  if (!JOB_ID.test(jobId)) throw new TypeError(`job id ${JSON.stringify(jobId)} must match ${JOB_ID.source}`);
  return jobId.replaceAll('.', '_');
}

/** The inverse of `jobToken`. */
export function jobIdOfToken(token: string): string {
  if (!JOB_TOKEN.test(token)) throw new TypeError(`job token ${JSON.stringify(token)} must match ${JOB_TOKEN.source}`);
  return token.replaceAll('_', '.');
}

/** A recurring job: evt.scheduler.job.<job token>. */
export const jobRef = (jobId: string): AggregateRef => ({ context: 'scheduler', type: 'job', id: jobToken(jobId) });

/** One run of a job: evt.scheduler.run.<run id>, so old runs can be removed subject by subject. */
export const runRef = (runId: string): AggregateRef => ({ context: 'scheduler', type: 'run', id: runId });

/** One billed hour: evt.scheduler.billing-hour.<hour>, e.g. 2026-11-23T07 — the subject is the idempotency key. */
export const billingHourRef = (hour: string): AggregateRef => ({ context: 'scheduler', type: 'billing-hour', id: hour });

/** An instance's daily-backup switch as admins set it: evt.scheduler.instance.<instance id>. */
export const instanceRef = (instanceId: string): AggregateRef => ({ context: 'scheduler', type: 'instance', id: instanceId });
