import { create } from '@bufbuild/protobuf';
import { eventRegistry, Headers, tasksV1 } from '@opsledger/contracts';
import { describe, expect, it } from 'vitest';
import { decodeEvent, encodeEvent } from './event-codec';

const event = {
  id: '0192f0c0-0000-7000-8000-000000000001',
  occurredAt: new Date('2026-11-23T10:00:00Z'),
  data: create(tasksV1.TaskCancelledSchema, { taskId: 't1' }),
};
const ctx = { actor: { kind: 'staff' as const, id: 'u1' }, source: 'console' as const };
const roundTrip = (context: Parameters<typeof encodeEvent>[2]) => {
  const { headers, data } = encodeEvent(eventRegistry, event, context);
  return { headers, stored: decodeEvent(eventRegistry, { subject: 'evt.tasks.task.t1', seq: 9, data, headers }) };
};

describe('Ops-Correlation-Id', () => {
  it('is written when the append context has one and read back onto the stored event', () => {
    const { headers, stored } = roundTrip({ ...ctx, correlationId: 'req-42' });
    expect(headers.get(Headers.CorrelationId)).toBe('req-42');
    expect(stored).toMatchObject({ correlationId: 'req-42', actor: ctx.actor, source: 'console', streamSeq: 9 });
  });

  it('is optional: an event without it (as every event stored before it existed) reads as undefined', () => {
    const { headers, stored } = roundTrip(ctx);
    expect(headers.has(Headers.CorrelationId)).toBe(false);
    expect(stored.correlationId).toBeUndefined();
  });
});
