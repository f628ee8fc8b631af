import { create } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { tasksV1 } from '@opsledger/contracts';
import { deciderSpec } from '@opsledger/testing/decider-spec';
import { describe, expect, it } from 'vitest';
import { type TaskCommand, taskDecider, TaskNotFound, TaskRuleViolation } from './task.decider';
import { evolve, initialTaskState, type TaskEvent } from './task.events';

const given = deciderSpec(taskDecider);
const now = new Date('2026-11-21T10:00:00Z');
const at = timestampFromDate(now);
const target = { userId: 'u1', hypervisorId: 'hv1', instanceId: 'i1' };

const created = (type = 'instance.deploy') => create(tasksV1.TaskCreatedSchema, { taskId: 't1', type, target, attempt: 1, createdAt: at });
const started = create(tasksV1.TaskStartedSchema, { taskId: 't1', workflowId: 'task-t1-1', runId: 'run-1', startedAt: at });
const progressed = (percent: number) => create(tasksV1.TaskProgressedSchema, { taskId: 't1', percent, at });
const logged = (step: string, text: string) =>
  create(tasksV1.TaskLoggedSchema, { taskId: 't1', level: tasksV1.LogLevel.INFO, step, text, at });
// A deploy's failure may be retried; a migrate's may not, and its event says so.
const failed = create(tasksV1.TaskFailedSchema, { taskId: 't1', error: 'disk attach failed', failedAt: at, retryable: true });
const failedMigrate = create(tasksV1.TaskFailedSchema, { taskId: 't1', error: 'disk attach failed', failedAt: at, retryable: false });
const completed = create(tasksV1.TaskCompletedSchema, { taskId: 't1', completedAt: at });
const cancelled = create(tasksV1.TaskCancelledSchema, { taskId: 't1', reason: 'not needed', cancelledAt: at });
const retried = create(tasksV1.TaskRetriedSchema, { taskId: 't1', attempt: 2, retriedAt: at });

const cmd = {
  create: { kind: 'CreateTask', taskId: 't1', type: 'instance.deploy', target, params: {}, now } as TaskCommand,
  start: { kind: 'StartTask', workflowId: 'task-t1-1', runId: 'run-1', now } as TaskCommand,
  progress: (percent: number): TaskCommand => ({ kind: 'ProgressTask', percent, now }),
  log: (step: string, text: string): TaskCommand => ({ kind: 'LogTaskLine', level: 'info', step, text, now }),
  complete: { kind: 'CompleteTask', now } as TaskCommand,
  fail: { kind: 'FailTask', error: 'disk attach failed', now } as TaskCommand,
  cancel: { kind: 'CancelTask', reason: 'not needed', now } as TaskCommand,
  retry: { kind: 'RetryTask', now } as TaskCommand,
};

interface Case {
  name: string;
  given: TaskEvent[];
  when: TaskCommand;
  then?: TaskEvent[];
  refused?: RegExp;
}

const cases: Case[] = [
  {
    name: 'create: a new task is pending at attempt 1',
    given: [],
    when: cmd.create,
    then: [create(tasksV1.TaskCreatedSchema, { taskId: 't1', type: 'instance.deploy', target, params: {}, attempt: 1, createdAt: at })],
  },
  { name: 'create: twice is refused', given: [created()], when: cmd.create, refused: /already exists/ },

  { name: 'start: a pending task starts', given: [created()], when: cmd.start, then: [started] },
  { name: 'start: the same run starting again changes nothing', given: [created(), started], when: cmd.start, then: [] },
  {
    name: 'start: a completed task cannot start',
    given: [created(), started, completed],
    when: cmd.start,
    refused: /completed task cannot start/,
  },

  { name: 'progress: a running task moves forward', given: [created(), started], when: cmd.progress(40), then: [progressed(40)] },
  {
    name: 'progress: a repeated or lower percent changes nothing',
    given: [created(), started, progressed(40)],
    when: cmd.progress(40),
    then: [],
  },
  { name: 'progress: a pending task has none yet', given: [created()], when: cmd.progress(10), then: [] },

  {
    name: 'log: a line is written',
    given: [created(), started],
    when: cmd.log('disk.attach', 'disk attached'),
    then: [logged('disk.attach', 'disk attached')],
  },
  {
    name: 'log: the same line of the same step is written once',
    given: [created(), started, logged('disk.attach', 'disk attached')],
    when: cmd.log('disk.attach', 'disk attached'),
    then: [],
  },
  {
    name: 'log: a pending task may log (waiting for a worker)',
    given: [created()],
    when: cmd.log('queue', 'waiting'),
    then: [logged('queue', 'waiting')],
  },
  { name: 'log: a finished task logs nothing more', given: [created(), started, completed], when: cmd.log('late', 'x'), then: [] },

  { name: 'complete: a running task completes', given: [created(), started], when: cmd.complete, then: [completed] },
  { name: 'complete: twice changes nothing', given: [created(), started, completed], when: cmd.complete, then: [] },
  { name: 'complete: a pending task cannot complete', given: [created()], when: cmd.complete, refused: /pending task cannot complete/ },

  { name: 'fail: a running task fails with its error', given: [created(), started], when: cmd.fail, then: [failed] },
  {
    name: 'fail: a failed deploy says it may be retried',
    given: [created('instance.deploy'), started],
    when: cmd.fail,
    then: [create(tasksV1.TaskFailedSchema, { taskId: 't1', error: 'disk attach failed', failedAt: at, retryable: true })],
  },
  {
    name: 'fail: a failed migrate says it may not be retried',
    given: [created('instance.migrate'), started],
    when: cmd.fail,
    then: [create(tasksV1.TaskFailedSchema, { taskId: 't1', error: 'disk attach failed', failedAt: at, retryable: false })],
  },
  {
    name: 'fail: a pending task (no worker took it) fails too',
    given: [created('instance.migrate')],
    when: cmd.fail,
    then: [failedMigrate],
  },
  { name: 'fail: twice changes nothing', given: [created(), started, failed], when: cmd.fail, then: [] },
  { name: 'fail: a cancelled task cannot fail', given: [created(), cancelled], when: cmd.fail, refused: /cancelled task cannot fail/ },

  { name: 'cancel: a pending task is cancelled', given: [created()], when: cmd.cancel, then: [cancelled] },
  {
    name: 'cancel: a running task cannot be cancelled mid-flight',
    given: [created(), started],
    when: cmd.cancel,
    refused: /running task cannot be cancelled mid-flight/,
  },
  {
    name: 'cancel: a completed task cannot be cancelled',
    given: [created(), started, completed],
    when: cmd.cancel,
    refused: /already completed/,
  },
  { name: 'cancel: a pending retry can be cancelled', given: [created(), started, failed, retried], when: cmd.cancel, then: [cancelled] },

  {
    name: 'retry: a failed deploy starts attempt 2',
    given: [created('instance.deploy'), started, failed],
    when: cmd.retry,
    then: [retried],
  },
  { name: 'retry: a failed backup is retryable', given: [created('instance.backup'), started, failed], when: cmd.retry, then: [retried] },
  {
    name: 'retry: a failed snapshot is retryable',
    given: [created('instance.snapshot'), started, failed],
    when: cmd.retry,
    then: [retried],
  },
  {
    name: 'retry: a failed migrate is not idempotent',
    given: [created('instance.migrate'), started, failedMigrate],
    when: cmd.retry,
    refused: /instance.migrate is not idempotent/,
  },
  {
    name: 'retry: a running task cannot be retried',
    given: [created(), started],
    when: cmd.retry,
    refused: /only a failed task can be retried; this one is running/,
  },
  {
    name: 'retry: attempt 3 follows attempt 2',
    given: [created(), started, failed, retried, started, failed],
    when: cmd.retry,
    then: [create(tasksV1.TaskRetriedSchema, { taskId: 't1', attempt: 3, retriedAt: at })],
  },
  {
    name: 'retry: a new attempt logs its lines afresh',
    given: [created(), started, logged('disk.attach', 'disk attached'), failed, retried, started],
    when: cmd.log('disk.attach', 'disk attached'),
    then: [logged('disk.attach', 'disk attached')],
  },
];

describe('task decider', () => {
  it.each(cases)('$name', (c) => {
    const spec = given(c.given).when(c.when);
    if (c.refused) spec.thenThrows(TaskRuleViolation, c.refused);
    else spec.then(c.then!);
  });

  it('any command but create on a task that does not exist is not found', () => {
    given([]).when(cmd.cancel).thenThrows(TaskNotFound);
  });
});

describe('stuck tasks: a running task past its budget since its last sign of life gets one warning per stall', () => {
  const minutes = (m: number) => new Date(now.getTime() - m * 60_000);
  const ts = (d: Date) => timestampFromDate(d);
  const startedAt = (d: Date) =>
    create(tasksV1.TaskStartedSchema, { taskId: 't1', workflowId: 'task-t1-1', runId: 'run-1', startedAt: ts(d) });
  const progressedAt = (percent: number, d: Date) => create(tasksV1.TaskProgressedSchema, { taskId: 't1', percent, at: ts(d) });
  const loggedAt = (d: Date) =>
    create(tasksV1.TaskLoggedSchema, {
      taskId: 't1',
      level: tasksV1.LogLevel.WARN,
      step: 'disk.attach',
      text: 'waiting for hypervisor response',
      at: ts(d),
    });
  const warning = (text: string, d = now) =>
    create(tasksV1.TaskLoggedSchema, { taskId: 't1', level: tasksV1.LogLevel.WARN, step: 'stuck-sweep', text, at: ts(d) });
  // A deploy has five steps; with the default 120 s step timeout its budget is 600 s.
  const sweep = (at = now): TaskCommand => ({ kind: 'FlagStuckTask', defaultStepTimeoutMs: 120_000, now: at });
  const deployCreated = create(tasksV1.TaskCreatedSchema, {
    taskId: 't1',
    type: 'instance.deploy',
    target,
    attempt: 1,
    createdAt: ts(minutes(30)),
  });
  const eleven = 'no progress for 660 s, past its 600 s budget (5 steps × 120 s): its worker may be stuck or gone';

  it.each<{ name: string; given: TaskEvent[]; when?: TaskCommand; then: TaskEvent[] }>([
    {
      name: 'running and stalled past its budget: a warning line',
      given: [deployCreated, startedAt(minutes(11))],
      then: [warning(eleven)],
    },
    { name: 'running within its budget: nothing', given: [deployCreated, startedAt(minutes(9))], then: [] },
    {
      name: 'progress is a sign of life: the stall counts from it',
      given: [deployCreated, startedAt(minutes(20)), progressedAt(35, minutes(2))],
      then: [],
    },
    {
      name: 'a line of its own is a sign of life too',
      given: [deployCreated, startedAt(minutes(20)), loggedAt(minutes(3))],
      then: [],
    },
    {
      name: 'its own step timeout sets the budget: a snapshot at 1 s per step may take 2 s',
      given: [
        create(tasksV1.TaskCreatedSchema, {
          taskId: 't1',
          type: 'instance.snapshot',
          target,
          params: { stepTimeoutMs: 1_000 },
          attempt: 1,
          createdAt: ts(minutes(1)),
        }),
        startedAt(new Date(now.getTime() - 3_000)),
      ],
      then: [warning('no progress for 3 s, past its 2 s budget (2 steps × 1 s): its worker may be stuck or gone')],
    },
    { name: 'not running (pending, however long): nothing', given: [deployCreated], then: [] },
    { name: 'not running (completed): nothing', given: [deployCreated, startedAt(minutes(40)), completed], then: [] },
    { name: 'not running (failed): nothing', given: [deployCreated, startedAt(minutes(40)), failed], then: [] },
    {
      name: 'already warned for this stall: nothing (the warning is no sign of life)',
      given: [deployCreated, startedAt(minutes(30)), warning(eleven, minutes(19))],
      then: [],
    },
    {
      name: 'warned, then it moved, then stalled again: warned again',
      given: [deployCreated, startedAt(minutes(40)), warning(eleven, minutes(29)), progressedAt(35, minutes(11))],
      then: [warning(eleven)],
    },
  ])('$name', (c) => {
    given(c.given)
      .when(c.when ?? sweep())
      .then(c.then);
  });
});

describe('task evolve', () => {
  it.each([
    { name: 'created → pending', events: [created()], expected: { status: 'pending', progress: 0, attempt: 1 } },
    {
      name: 'started + progressed → running at its percent',
      events: [created(), started, progressed(40)],
      expected: { status: 'running', progress: 40 },
    },
    { name: 'completed → 100 %', events: [created(), started, completed], expected: { status: 'completed', progress: 100 } },
    {
      name: 'failed → failed with its error',
      events: [created(), started, failed],
      expected: { status: 'failed', error: 'disk attach failed' },
    },
    {
      name: 'retried → pending at the next attempt, error cleared',
      events: [created(), started, failed, retried],
      expected: { status: 'pending', attempt: 2, progress: 0, error: undefined },
    },
  ])('$name', ({ events, expected }) => {
    expect(events.reduce(evolve, initialTaskState())).toMatchObject(expected);
  });
});
