import { aggregateSubject, eventRegistry, tasksV1 } from '@opsledger/contracts';
import { createTestNats, type TestNats } from '@opsledger/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WrongExpectedVersionError } from './errors';
import { encodeEvent } from './event-codec';
import { EventStore } from './event-store';
import { ensureEventStream } from './stream-setup';
import { systemContext, taskCreated, taskProgressed } from './test-fixtures/task-events';

let nats: TestNats;
let store: EventStore;

beforeAll(async () => {
  nats = await createTestNats();
  await ensureEventStream(nats.jsm, 'tasks', { prefix: nats.prefix });
  store = new EventStore(nats.js, nats.jsm, eventRegistry, nats.prefix);
});
afterAll(() => nats.dispose());

const task = (id: string) => ({ context: 'tasks' as const, type: 'task', id });

describe('EventStore on JetStream', () => {
  it('creating the stream twice is a no-op that keeps its events', async () => {
    await store.append(task('idem'), [taskCreated('idem')], 0, systemContext);
    const info = await ensureEventStream(nats.jsm, 'tasks', { prefix: nats.prefix });
    expect(info.state.messages).toBeGreaterThanOrEqual(1);
    expect(await store.read(task('idem'))).toHaveLength(1);
  });

  it('of two concurrent appends at the same version exactly one wins; the other gets the typed conflict', async () => {
    const ref = task('race');
    const { version } = await store.append(ref, [taskCreated('race')], 0, systemContext);

    const results = await Promise.allSettled([
      store.append(ref, [taskProgressed('race', 10), taskProgressed('race', 20)], version, systemContext),
      store.append(ref, [taskProgressed('race', 30), taskProgressed('race', 40)], version, systemContext),
    ]);

    const won = results.filter((r) => r.status === 'fulfilled');
    const lost = results.filter((r) => r.status === 'rejected');
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(1);
    expect((lost[0] as PromiseRejectedResult).reason).toBeInstanceOf(WrongExpectedVersionError);
    expect((lost[0] as PromiseRejectedResult).reason.expectedVersion).toBe(version);

    // The aggregate holds the creation and exactly the winner's two events, in order: no gap, no duplicate, no interleaving.
    const events = await store.read(ref);
    const percents = events.slice(1).map((e) => (e.data as tasksV1.TaskProgressed).percent);
    expect(events).toHaveLength(3);
    expect([
      [10, 20],
      [30, 40],
    ]).toContainEqual(percents);
    const seqs = events.map((e) => e.streamSeq);
    expect(new Set(seqs).size).toBe(seqs.length);
    expect((won[0] as PromiseFulfilledResult<{ version: number }>).value.version).toBe(seqs.at(-1));
  });

  it('a new aggregate expects version 0: a second creation conflicts', async () => {
    const ref = task('fresh');
    await store.append(ref, [taskCreated('fresh')], 0, systemContext);
    await expect(store.append(ref, [taskCreated('fresh')], 0, systemContext)).rejects.toBeInstanceOf(WrongExpectedVersionError);
  });

  it('publishing the same event twice (same id) stores it once', async () => {
    const ref = task('dedup');
    const created = taskCreated('dedup');
    const first = await store.append(ref, [created], 0, systemContext);
    // A retry after a lost ack: same event id, same (now stale) expected version.
    const retry = await store.append(ref, [created], 0, systemContext);

    expect(retry).toEqual({ version: first.version, duplicates: 1 });
    const events = await store.read(ref);
    expect(events.map((e) => e.id)).toEqual([created.id]);
  });

  it('a retried multi-event append that half succeeded completes without doubling', async () => {
    const ref = task('partial');
    const events = [taskCreated('partial'), taskProgressed('partial', 50), taskProgressed('partial', 100)];
    await store.append(ref, events.slice(0, 1), 0, systemContext); // the crash happened after the first publish
    const retry = await store.append(ref, events, 0, systemContext);
    expect(retry.duplicates).toBe(1);
    expect((await store.read(ref)).map((e) => e.id)).toEqual(events.map((e) => e.id));
  });

  it('a retry after the de-duplication window (no Msg-Id remembered) finds its own events and completes', async () => {
    const ref = task('late-retry');
    const events = [taskCreated('late-retry'), taskProgressed('late-retry', 50)];
    // The first attempt stored the first event, and the server no longer remembers its Msg-Id.
    const { headers, data } = encodeEvent(eventRegistry, events[0]!, systemContext);
    await nats.js.publish(aggregateSubject(ref, nats.prefix), data, { headers });

    const retry = await store.append(ref, events, 0, systemContext);
    expect(retry.duplicates).toBe(1);
    expect((await store.read(ref)).map((e) => e.id)).toEqual(events.map((e) => e.id));
  });

  it('a retry whose events are all stored succeeds even when another writer appended after them', async () => {
    const ref = task('stored-then-more');
    const mine = taskCreated('stored-then-more');
    const { headers, data } = encodeEvent(eventRegistry, mine, systemContext);
    await nats.js.publish(aggregateSubject(ref, nats.prefix), data, { headers });
    const { version } = await store.append(
      ref,
      [taskProgressed('stored-then-more', 10)],
      (await store.load(ref, { initialState: () => 0, evolve: (n) => n + 1 })).version,
      systemContext,
    );

    const retry = await store.append(ref, [mine], 0, systemContext);
    expect(retry.duplicates).toBe(1);
    expect(retry.version).toBeLessThan(version);
  });

  it('reading an aggregate leaves no consumer behind on the server', async () => {
    const ref = task('no-leak');
    await store.append(ref, [taskCreated('no-leak'), taskProgressed('no-leak', 1)], 0, systemContext);
    for (let i = 0; i < 5; i++) await store.read(ref);
    const info = await nats.jsm.streams.info(`${nats.prefix.toUpperCase()}_TASKS`);
    expect(info.state.consumer_count).toBe(0);
  });

  it('load folds the events and carries actor, source and trace headers', async () => {
    const ref = task('fold');
    const traceparent = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
    await store.append(ref, [taskCreated('fold'), taskProgressed('fold', 40), taskProgressed('fold', 70)], 0, {
      actor: { kind: 'staff', id: 'u-1' },
      source: 'console',
      traceparent,
    });
    const { state, version } = await store.load(ref, {
      initialState: () => ({ percent: 0, count: 0 }),
      evolve: (s, e) => ({
        count: s.count + 1,
        percent: e.type === tasksV1.TaskProgressedSchema.typeName ? (e.data as tasksV1.TaskProgressed).percent : s.percent,
      }),
    });
    expect(state).toEqual({ percent: 70, count: 3 });
    const events = await store.read(ref);
    expect(version).toBe(events.at(-1)!.streamSeq);
    expect(events[0]).toMatchObject({ actor: { kind: 'staff', id: 'u-1' }, source: 'console', traceparent, aggregateId: 'fold' });
  });

  it('an aggregate with no events loads as its initial state at version 0', async () => {
    const loaded = await store.load(task('nobody'), { initialState: () => 'empty', evolve: (s) => s });
    expect(loaded).toEqual({ state: 'empty', version: 0 });
  });

  it('refuses an aggregate id that would change the subject', async () => {
    await expect(store.append(task('a.b'), [taskCreated('x')], 0, systemContext)).rejects.toThrow(/aggregate id must match/);
  });
});
