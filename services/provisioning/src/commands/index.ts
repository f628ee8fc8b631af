import type { EventStore } from '@opsledger/eventstore';
import { withDomainErrorReplies } from '@opsledger/service-runtime';
import type { SecretBox } from '../domain/secret-box';
import { dispatchActionHandler } from './dispatch-action.handler';
import { registerPanelServerHandler } from './register-panel-server.handler';
import { registerServiceHandler } from './register-service.handler';

/**
 * Every command the provisioning service answers on NATS, exported for tests
 * that serve them in-process. Each answers a decider's refusal as 409/404 the
 * way the service runtime makes it, so a test without the runtime sees what
 * a caller sees; under the runtime the second mapping finds nothing to map.
 */
export function provisioningCommandHandlers(deps: { store: EventStore; secrets: SecretBox; newId: () => string; now: () => Date }) {
  return [registerPanelServerHandler(deps), registerServiceHandler(deps), dispatchActionHandler(deps)].map(withDomainErrorReplies);
}

export { SecretBox } from '../domain/secret-box';
