import { timestampDate } from '@bufbuild/protobuf/wkt';
import type { schedulerV1 } from '@opsledger/contracts';

/** Events of one run of a job (evt.scheduler.run.<run id>). */
export type RunEvent = schedulerV1.RunEvent;

export type RunState =
  | { status: 'absent' }
  | { status: 'started' | 'finished'; runId: string; jobId: string; startedAt: Date; result: schedulerV1.RunResult | undefined };

export const initialRunState = (): RunState => ({ status: 'absent' });

export function evolve(state: RunState, event: RunEvent): RunState {
  switch (event.$typeName) {
    case 'platform.scheduler.v1.JobRunStarted':
      return {
        status: 'started',
        runId: event.runId,
        jobId: event.jobId,
        startedAt: event.startedAt ? timestampDate(event.startedAt) : new Date(0),
        result: undefined,
      };
    case 'platform.scheduler.v1.JobRunFinished':
      return state.status === 'absent' ? state : { ...state, status: 'finished', result: event.result };
    default: {
      const never: never = event;
      return never;
    }
  }
}
