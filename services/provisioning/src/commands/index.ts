import type { EventStore } from '@opsledger/eventstore';
import type { SecretBox } from '../domain/secret-box';
import { dispatchActionHandler } from './dispatch-action.handler';
import { registerPanelServerHandler } from './register-panel-server.handler';
import { registerServiceHandler } from './register-service.handler';

/** Every command the provisioning service answers on NATS (exported for tests that serve them in-process). */
export function provisioningCommandHandlers(deps: { store: EventStore; secrets: SecretBox; newId: () => string; now: () => Date }) {
  return [registerPanelServerHandler(deps), registerServiceHandler(deps), dispatchActionHandler(deps)];
}

export { SecretBox } from '../domain/secret-box';
