import { type ArgumentsHost, Catch, type ExceptionFilter } from '@nestjs/common';
import { CommandError, ValidationError } from '@opsledger/messaging';
import type { Response } from 'express';

const STATUS: Record<CommandError['code'], number> = {
  validation: 400,
  not_found: 404,
  conflict: 409,
  forbidden: 403,
  unavailable: 503,
  internal: 500,
};

/**
 * Typed errors, from this gateway's own validation or from a service over
 * NATS, become HTTP answers with the service's message: 400 (with each
 * field and rule), 404, 409, 403, 503.
 */
@Catch(CommandError)
export class CommandErrorFilter implements ExceptionFilter {
  catch(error: CommandError, host: ArgumentsHost) {
    const status = STATUS[error.code];
    const body: Record<string, unknown> = {
      statusCode: status,
      error: error.code,
      message: status === 500 ? 'internal error' : error.message,
    };
    if (error instanceof ValidationError) body.violations = error.violations;
    host.switchToHttp().getResponse<Response>().status(status).json(body);
  }
}
