import type { ActionDispatched, ActionFailed, ActionSucceeded, ServiceRegistered } from './gen/platform/provisioning/v1/events_pb';

export * from './gen/platform/provisioning/v1/events_pb';
export * from './gen/platform/provisioning/v1/commands_pb';
export * from './provisioning-commands';

/** Every event of the service (hosting account) aggregate. */
export type ServiceEvent = ServiceRegistered | ActionDispatched | ActionSucceeded | ActionFailed;
