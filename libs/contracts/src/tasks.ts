import type {
  TaskCancelled,
  TaskCompleted,
  TaskCreated,
  TaskFailed,
  TaskLogged,
  TaskProgressed,
  TaskRetried,
  TaskStarted,
} from './gen/platform/tasks/v1/events_pb';

export * from './gen/platform/tasks/v1/task_pb';
export * from './gen/platform/tasks/v1/events_pb';
export * from './gen/platform/tasks/v1/commands_pb';
export * from './tasks-commands';

/** Every event of the task aggregate: what deciders return and projections switch on. */
export type TaskEvent = TaskCreated | TaskStarted | TaskProgressed | TaskLogged | TaskCompleted | TaskFailed | TaskCancelled | TaskRetried;
