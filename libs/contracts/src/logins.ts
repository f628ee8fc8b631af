export * from './gen/platform/logins/v1/events_pb';
