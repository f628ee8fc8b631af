import type { tasksV1 } from '@opsledger/contracts';

/** Events of the task aggregate, as their protobuf messages (the union lives with the contract). */
export type TaskEvent = tasksV1.TaskEvent;

export type TaskStatus = 'pending' | 'running' | 'completed' | 'failed' | 'cancelled';

export type TaskState =
  | { status: 'absent' }
  | {
      status: TaskStatus;
      taskId: string;
      type: string;
      attempt: number;
      progress: number;
      error: string | undefined;
      runId: string | undefined;
      /** Keys of the log lines written in this attempt: a retried activity does not write a line twice. */
      loggedKeys: ReadonlySet<string>;
    };

export const initialTaskState = (): TaskState => ({ status: 'absent' });

/** Folds one event into the task's state. Pure. */
export function evolve(state: TaskState, event: TaskEvent): TaskState {
  if (event.$typeName === 'platform.tasks.v1.TaskCreated') {
    return {
      status: 'pending',
      taskId: event.taskId,
      type: event.type,
      attempt: event.attempt || 1,
      progress: 0,
      error: undefined,
      runId: undefined,
      loggedKeys: new Set(),
    };
  }
  if (state.status === 'absent') return state;
  switch (event.$typeName) {
    case 'platform.tasks.v1.TaskRetried':
      return {
        ...state,
        status: 'pending',
        attempt: event.attempt,
        progress: 0,
        error: undefined,
        runId: undefined,
        loggedKeys: new Set(),
      };
    case 'platform.tasks.v1.TaskStarted':
      return { ...state, status: 'running', runId: event.runId };
    case 'platform.tasks.v1.TaskProgressed':
      return { ...state, progress: event.percent };
    case 'platform.tasks.v1.TaskLogged':
      return { ...state, loggedKeys: new Set([...state.loggedKeys, lineKey(event.step, event.text)]) };
    case 'platform.tasks.v1.TaskCompleted':
      return { ...state, status: 'completed', progress: 100 };
    case 'platform.tasks.v1.TaskFailed':
      return { ...state, status: 'failed', error: event.error };
    case 'platform.tasks.v1.TaskCancelled':
      return { ...state, status: 'cancelled' };
    default: {
      const never: never = event;
      return never;
    }
  }
}

export const lineKey = (step: string, text: string) => `${step}\u0000${text}`;
