import type { Message } from '@bufbuild/protobuf';
import type { StoredEvent } from '@opsledger/eventstore';

/**
 * Makes events as a projection receives them, for specs that apply or plan them without a stream: each numbered in the
 * order made (its stream sequence and id), on `evt.<context>.<type>.<aggregate id>`, a millisecond apart from noon on
 * 24 November 2026 unless `occurredAt` says otherwise, caused by the system unless `actor` and `source` say.
 */
export function storedEvents(
  context: string,
  type: string,
  options: Partial<Pick<StoredEvent, 'actor' | 'source'>> & { occurredAt?: (seq: number) => Date } = {},
) {
  let seq = 0;
  return (aggregateId: string, data: Message): StoredEvent => {
    seq++;
    return {
      id: `e${seq}`,
      type: data.$typeName,
      aggregateId,
      subject: `evt.${context}.${type}.${aggregateId}`,
      streamSeq: seq,
      data,
      occurredAt: options.occurredAt?.(seq) ?? new Date(Date.UTC(2026, 10, 24, 12, 0, 0, seq)),
      actor: options.actor ?? { kind: 'system', id: 'test' },
      source: options.source ?? 'system',
      traceparent: undefined,
      correlationId: undefined,
    };
  };
}
