import { AggregateNotFound, RuleViolation } from '@opsledger/eventstore';
import { type CommandHandler, ConflictError, NotFoundError } from '@opsledger/messaging';

/** A handler whose decider refusals answer as 409 with the rule and 404, the typed errors callers get over NATS. */
export function withDomainErrorReplies(handler: CommandHandler): CommandHandler {
  return {
    ...handler,
    async handle(command, meta) {
      try {
        return await handler.handle(command, meta);
      } catch (error) {
        if (error instanceof RuleViolation) throw new ConflictError(error.message);
        if (error instanceof AggregateNotFound) throw new NotFoundError(error.message);
        throw error;
      }
    },
  };
}
