import { describe, expect, it } from 'vitest';
import { planTaskBatch } from './task-list.batch';
import { taskEvents } from '../test-support/task-events';

const { created, started, progressed, logged, failed, retried, completed } = taskEvents({
  occurredAt: (seq) => new Date(Date.UTC(2026, 10, 23, 12, 0, seq)),
});

describe('planTaskBatch: given a batch of TASKS events, then the rows it leaves', () => {
  it.each([
    {
      given: 'a task created and run to completion in one batch',
      when: () => [created('a'), started('a'), progressed('a', 40), logged('a', 'copying'), completed('a')],
      then: { inserts: [{ id: 'a', status: 'completed', progress: 100, attempt: 1, version: 'last' }], updates: {}, logs: ['copying'] },
    },
    {
      given: 'progress on a task created in an earlier batch',
      when: () => [started('b'), progressed('b', 10), progressed('b', 70)],
      then: { inserts: [], updates: { b: { status: 'running', progress: 70, version: 'last' } }, logs: [] },
    },
    {
      given: 'a failure, then a retry: the retry’s columns win and the error is cleared',
      when: () => [failed('c'), retried('c')],
      then: {
        inserts: [],
        updates: { c: { status: 'pending', attempt: 2, progress: 0, error: null, retryable: false, version: 'last' } },
        logs: [],
      },
    },
    {
      given: 'a retry, then a failure: the failure stands',
      when: () => [retried('d'), failed('d')],
      then: { inserts: [], updates: { d: { status: 'failed', error: 'd broke', retryable: true, attempt: 2, version: 'last' } }, logs: [] },
    },
    {
      given: 'two tasks interleaved: each gets only its own events',
      when: () => [created('e'), started('f'), logged('e', 'e1'), logged('f', 'f1'), completed('f')],
      then: {
        inserts: [{ id: 'e', status: 'pending', progress: 0, version: 'of e1' }],
        updates: { f: { status: 'completed', progress: 100, version: 'last' } },
        logs: ['e1', 'f1'],
      },
    },
  ])('$given', ({ when, then }) => {
    const events = when();
    const last = events.at(-1)!.streamSeq;
    const seqOf = (text: string) => events.find((e) => (e.data as { text?: string }).text === text)!.streamSeq;
    const version = (v: string) => (v === 'last' ? last : seqOf(v.slice(3)));
    const plan = planTaskBatch(events);
    expect(plan.inserts).toEqual(then.inserts.map((row) => expect.objectContaining({ ...row, version: version(row.version) })));
    expect(Object.fromEntries(plan.updates)).toEqual(
      Object.fromEntries(
        Object.entries(then.updates).map(([id, change]) => [id, expect.objectContaining({ ...change, version: version(change.version) })]),
      ),
    );
    expect(plan.logs.map((l) => l.text)).toEqual(then.logs);
  });

  it('a log line keeps its own stream sequence and time; the task’s updated_at is its last event’s', () => {
    const events = [created('g'), logged('g', 'one'), progressed('g', 5)];
    const plan = planTaskBatch(events);
    expect(plan.logs[0]).toMatchObject({ task_id: 'g', stream_seq: events[1]!.streamSeq, level: 'info', step: 's' });
    expect(plan.inserts[0]).toMatchObject({ updated_at: events[2]!.occurredAt, version: events[2]!.streamSeq, progress: 5 });
  });
});
