import type { TaskType } from '@opsledger/contracts';
import { z } from 'zod';

/** A step may wait for its hypervisor between 1 s and 6 h (the dispatcher stores it as a Postgres integer). */
export const STEP_TIMEOUT_MS = { min: 1_000, max: 6 * 3_600_000 } as const;

const stepTimeoutMs = z
  .number('must be a number of milliseconds')
  .int('must be a whole number of milliseconds')
  .min(STEP_TIMEOUT_MS.min, `must be at least ${STEP_TIMEOUT_MS.min} ms (1 s)`)
  .max(STEP_TIMEOUT_MS.max, `must be at most ${STEP_TIMEOUT_MS.max} ms (6 h)`);

/** Parameters every type takes: the step budget, and a note on why the task was made. */
const common = {
  stepTimeoutMs: stepTimeoutMs.optional(),
  reason: z.string().max(500).optional(),
};

const shapes: Record<TaskType, z.ZodRawShape> = {
  /** backup: whether the deployed instance gets the scheduler's daily snapshot. */
  'instance.deploy': { ...common, backup: z.enum(['daily', 'none'], 'must be "daily" or "none"').optional() },
  'instance.backup': common,
  /** schedulerRunId: the scheduler run that made the snapshot (how a retried run knows what it already did). */
  'instance.snapshot': {
    ...common,
    schedulerRunId: z
      .string()
      .min(1)
      .max(64)
      .regex(/^[A-Za-z0-9_-]+$/, 'letters, digits, _ and - only')
      .optional(),
  },
  'instance.migrate': common,
};

/**
 * What `params` each task type takes, every one read somewhere (the dispatcher, the stuck sweep, the scheduler's
 * instance lookup): a value that breaks a rule, or a parameter the type does not take, is refused naming it.
 */
export const taskParamsSchemas: Record<string, z.ZodType<Record<string, unknown>> | undefined> = Object.fromEntries(
  Object.entries(shapes).map(([type, shape]) => [type, z.strictObject(shape)]),
);

/**
 * Checks `params` against its type's rules, one issue per broken rule with its path inside `params`; a parameter
 * the type does not take is its own issue (`unrecognized_keys` on that key), saying which ones it takes. An unknown
 * type has no rules here (the type itself is refused).
 */
export function checkTaskParams(type: string, params: unknown): z.core.$ZodIssue[] {
  const schema = taskParamsSchemas[type];
  if (!schema) return [];
  const result = schema.safeParse(params ?? {});
  if (result.success) return [];
  const known = Object.keys(shapes[type as TaskType]).join(', ');
  return result.error.issues.flatMap((issue): z.core.$ZodIssue[] =>
    issue.code === 'unrecognized_keys'
      ? issue.keys.map((key) => ({
          ...issue,
          keys: [key],
          path: [...issue.path, key],
          message: `unknown parameter: ${type} takes ${known}`,
        }))
      : [issue],
  );
}

/** A stored step timeout the rules would accept, else undefined (events from before the rules must not strand a task). */
export function validStepTimeout(value: unknown): number | undefined {
  return stepTimeoutMs.safeParse(value).success ? (value as number) : undefined;
}
