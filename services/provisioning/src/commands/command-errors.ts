import { ConflictError, NotFoundError } from '@opsledger/messaging';
import { ServiceNotFound, ServiceRuleViolation } from '../domain/service.decider';

/** The decider's refusals as the typed errors callers get over NATS: 409 with the rule, 404. */
export async function asCommandError<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof ServiceRuleViolation) throw new ConflictError(error.message);
    if (error instanceof ServiceNotFound) throw new NotFoundError(error.message);
    throw error;
  }
}
