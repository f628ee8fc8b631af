import { z } from 'zod';
import { ValidationError, type Violation } from './command-errors';

/**
 * Checks a decoded command against its zod schema and turns every issue into
 * a violation naming the field by its dotted path and the rule it broke.
 */
export function validate<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw new ValidationError(result.error.issues.map(toViolation));
}

function toViolation(issue: z.core.$ZodIssue): Violation {
  return {
    field: issue.path.map(String).join('.') || '(command)',
    rule: ruleOf(issue),
    message: issue.message,
  };
}

function ruleOf(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'too_small':
      return issue.origin === 'string' && issue.minimum === 1 ? 'required' : `min:${String(issue.minimum)}`;
    case 'too_big':
      return `max:${String(issue.maximum)}`;
    case 'invalid_format':
      return `format:${issue.format}`;
    case 'invalid_value':
      return 'one_of';
    case 'invalid_type':
      return `type:${issue.expected}`;
    case 'unrecognized_keys':
      return 'unknown';
    default:
      return issue.code;
  }
}

/** The sender every command must carry, so the events it causes name who did it. */
export const actorSchema = z.object(
  { userId: z.string().min(1), kind: z.number().int().min(1, 'actor kind is required') },
  'actor is required',
);

/** An id that is also a NATS subject token (aggregate ids are): no dots, spaces or wildcards. */
export const opaqueIdSchema = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9_-]+$/, 'letters, digits, _ and - only');
