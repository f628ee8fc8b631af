import { createRegistry } from '@bufbuild/protobuf';
import { file_platform_logins_v1_events } from './gen/platform/logins/v1/events_pb';
import { file_platform_provisioning_v1_events } from './gen/platform/provisioning/v1/events_pb';
import { file_platform_tasks_v1_events } from './gen/platform/tasks/v1/events_pb';

/** Every event type a consumer may meet, for decoding by the Ops-Event-Type header. */
export const eventRegistry = createRegistry(
  file_platform_tasks_v1_events,
  file_platform_logins_v1_events,
  file_platform_provisioning_v1_events,
);
