import { create } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { schedulerV1 } from '@opsledger/contracts';
import { deciderSpec } from '@opsledger/testing/decider-spec';
import { describe, it } from 'vitest';
import { type RunCommand, runDecider, RunNotFound } from './run.decider';

const given = deciderSpec(runDecider);
const startAt = new Date('2026-11-23T02:00:01Z');
const finishAt = new Date('2026-11-23T02:00:04.5Z');
const { RunTrigger: T, RunResult: R } = schedulerV1;

const start: RunCommand = {
  kind: 'StartRun',
  runId: 'r1',
  jobId: 'instance.daily-snapshot',
  trigger: T.SCHEDULE,
  scheduledAt: new Date('2026-11-23T02:00:00Z'),
  workflowId: 'job-instance_daily-snapshot-run-2026-11-23T02:00:00Z',
  requestId: '',
  now: startAt,
};
const finish: RunCommand = { kind: 'FinishRun', result: R.SUCCEEDED, output: 'ok', outputTruncated: false, detail: '', now: finishAt };
const started = create(schedulerV1.JobRunStartedSchema, {
  runId: 'r1',
  jobId: 'instance.daily-snapshot',
  trigger: T.SCHEDULE,
  scheduledAt: timestampFromDate(new Date('2026-11-23T02:00:00Z')),
  startedAt: timestampFromDate(startAt),
  workflowId: start.kind === 'StartRun' ? start.workflowId : '',
  requestId: '',
});
const finished = create(schedulerV1.JobRunFinishedSchema, {
  runId: 'r1',
  jobId: 'instance.daily-snapshot',
  result: R.SUCCEEDED,
  durationMs: 3_500,
  output: 'ok',
  outputTruncated: false,
  detail: '',
  finishedAt: timestampFromDate(finishAt),
});

describe('run decider: a retried activity records a run once', () => {
  it('start: a new run starts', () => given([]).when(start).then([started]));
  it('start: again (a retried activity) changes nothing', () => given([started]).when(start).then([]));
  it('finish: with its result, output and duration since the start', () => given([started]).when(finish).then([finished]));
  it('finish: again changes nothing', () => given([started, finished]).when(finish).then([]));
  it('finish: a run that never started is not found', () => given([]).when(finish).thenThrows(RunNotFound));
});
