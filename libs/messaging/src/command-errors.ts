/** One broken rule of one field: `{ field: 'target.userId', rule: 'required', message }`. */
export interface Violation {
  field: string;
  rule: string;
  message: string;
}

export type CommandErrorCode = 'validation' | 'not_found' | 'conflict' | 'forbidden' | 'internal' | 'unavailable';

/** The JSON body of an error reply: what crosses NATS, and what the gateway maps to HTTP. */
export interface CommandErrorBody {
  code: CommandErrorCode;
  message: string;
  violations?: Violation[];
}

/**
 * Errors a command handler throws on purpose. They cross NATS as
 * `CommandErrorBody` and are rebuilt on the caller's side as the same class,
 * so `instanceof ConflictError` works on both ends.
 */
export class CommandError extends Error {
  constructor(
    readonly code: CommandErrorCode,
    message: string,
  ) {
    super(message);
    this.name = new.target.name;
  }

  toBody(): CommandErrorBody {
    return { code: this.code, message: this.message };
  }

  static fromBody(body: CommandErrorBody): CommandError {
    switch (body.code) {
      case 'validation':
        return new ValidationError(body.violations ?? []);
      case 'not_found':
        return new NotFoundError(body.message);
      case 'conflict':
        return new ConflictError(body.message);
      case 'forbidden':
        return new ForbiddenError(body.message);
      case 'unavailable':
        return new UnavailableError(body.message);
      case 'internal':
        return new CommandError('internal', body.message);
      default: {
        const never: never = body.code;
        return new CommandError('internal', `unknown error code ${String(never)}: ${body.message}`);
      }
    }
  }
}

export class ValidationError extends CommandError {
  constructor(readonly violations: Violation[]) {
    super('validation', violations.map((v) => `${v.field}: ${v.message}`).join('; ') || 'invalid command');
  }

  override toBody(): CommandErrorBody {
    return { ...super.toBody(), violations: this.violations };
  }
}

export class NotFoundError extends CommandError {
  constructor(message: string) {
    super('not_found', message);
  }
}

/** The command is well-formed but a rule forbids it in the current state (e.g. cancel a running task). */
export class ConflictError extends CommandError {
  constructor(message: string) {
    super('conflict', message);
  }
}

export class ForbiddenError extends CommandError {
  constructor(message: string) {
    super('forbidden', message);
  }
}

/** No service answered, or it timed out: worth retrying later. */
export class UnavailableError extends CommandError {
  constructor(message: string) {
    super('unavailable', message);
  }
}
