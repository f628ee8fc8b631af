import { type Timestamp, timestampDate } from '@bufbuild/protobuf/wkt';
import type { tasksV1 } from '@opsledger/contracts';
import { STUCK_STEP } from './stuck-tasks';
import { validStepTimeout } from './task-params';

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
      /** params.stepTimeoutMs when the task set one. */
      stepTimeoutMs: number | undefined;
      /** The task's last sign of life: created, started, progressed, or a line of its own. */
      lastActivityAt: Date;
      /** The stuck sweep warned about the current stall (cleared by the next sign of life). */
      stallWarned: boolean;
    };

export const initialTaskState = (): TaskState => ({ status: 'absent' });

/** Folds one event into the task's state. Pure. */
export function evolve(state: TaskState, event: TaskEvent): TaskState {
  if (event.$typeName === 'platform.tasks.v1.TaskCreated') {
    // protobuf-es hands a google.protobuf.Struct field over as a plain JSON object.
    const own = validStepTimeout((event.params as Record<string, unknown> | undefined)?.stepTimeoutMs);
    return {
      status: 'pending',
      taskId: event.taskId,
      type: event.type,
      attempt: event.attempt || 1,
      progress: 0,
      error: undefined,
      runId: undefined,
      loggedKeys: new Set(),
      stepTimeoutMs: own,
      lastActivityAt: dateOf(event.createdAt),
      stallWarned: false,
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
        lastActivityAt: dateOf(event.retriedAt),
        stallWarned: false,
      };
    case 'platform.tasks.v1.TaskStarted':
      return { ...state, status: 'running', runId: event.runId, lastActivityAt: dateOf(event.startedAt), stallWarned: false };
    case 'platform.tasks.v1.TaskProgressed':
      return { ...state, progress: event.percent, lastActivityAt: dateOf(event.at), stallWarned: false };
    case 'platform.tasks.v1.TaskLogged': {
      const loggedKeys = new Set([...state.loggedKeys, lineKey(event.step, event.text)]);
      // The sweep's own warning is no sign of life.
      if (event.step === STUCK_STEP) return { ...state, loggedKeys, stallWarned: true };
      return { ...state, loggedKeys, lastActivityAt: dateOf(event.at), stallWarned: false };
    }
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

const dateOf = (ts: Timestamp | undefined): Date => (ts ? timestampDate(ts) : new Date(0));
