/**
 * A decider's refusals. Each context's rule errors extend these, so the
 * service runtime maps them to 409 and 404 in one place, and an activity
 * can treat them as non-retryable by type.
 */
export class RuleViolation extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

export class AggregateNotFound extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}
