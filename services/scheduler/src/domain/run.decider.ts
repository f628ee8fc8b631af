import { create } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { schedulerV1 } from '@opsledger/contracts';
import { AggregateNotFound } from '@opsledger/eventstore';
import type { RunCommand } from './run.commands';
import { evolve, initialRunState, type RunEvent, type RunState } from './run.events';

export type { RunCommand } from './run.commands';

/** Finishing a run that never started (404): a bug, never a retry. */
export class RunNotFound extends AggregateNotFound {}

export function decide(state: RunState, command: RunCommand): RunEvent[] {
  const at = timestampFromDate(command.now);
  switch (command.kind) {
    case 'StartRun': {
      if (state.status !== 'absent') return [];
      const { runId, jobId, trigger, workflowId, requestId } = command;
      return [
        create(schedulerV1.JobRunStartedSchema, {
          runId,
          jobId,
          trigger,
          scheduledAt: timestampFromDate(command.scheduledAt),
          startedAt: at,
          workflowId,
          requestId,
        }),
      ];
    }
    case 'FinishRun': {
      if (state.status === 'absent') throw new RunNotFound('run not found');
      if (state.status === 'finished') return [];
      return [
        create(schedulerV1.JobRunFinishedSchema, {
          runId: state.runId,
          jobId: state.jobId,
          result: command.result,
          durationMs: Math.max(0, command.now.getTime() - state.startedAt.getTime()),
          output: command.output,
          outputTruncated: command.outputTruncated,
          detail: command.detail,
          finishedAt: at,
        }),
      ];
    }
    default: {
      const never: never = command;
      throw new Error(`unknown command ${JSON.stringify(never)}`);
    }
  }
}

export const runDecider = { initialState: initialRunState, evolve, decide };
