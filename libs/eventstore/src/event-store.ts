import type { Registry } from '@bufbuild/protobuf';
import { DeliverPolicy, JetStreamApiCodes, JetStreamApiError, type JetStreamClient, type JetStreamManager } from '@nats-io/jetstream';
import { type AggregateRef, aggregateSubject, streamName } from '@opsledger/contracts';
import { context as otelContext, propagation } from '@opentelemetry/api';
import type { AppendContext, NewEvent, StoredEvent } from './event';
import { decodeEvent, encodeEvent } from './event-codec';
import { WrongExpectedVersionError } from './errors';

export interface AppendResult {
  /** The aggregate's new version: the stream sequence of its last event. */
  version: number;
  /** How many events were already stored (a retried append); they were not stored again. */
  duplicates: number;
}

export interface Evolver<S> {
  initialState: () => S;
  evolve: (state: S, event: StoredEvent) => S;
}

/**
 * The event store on JetStream. An aggregate's version is the stream sequence
 * of its last event (0 when it has none), which is exactly what
 * Nats-Expected-Last-Subject-Sequence compares against.
 */
export class EventStore {
  constructor(
    private readonly js: JetStreamClient,
    private readonly jsm: JetStreamManager,
    private readonly registry: Registry,
    private readonly prefix = '',
  ) {}

  /**
   * Appends events to one aggregate if its version is still `expectedVersion`.
   * Events of one call chain their expectations (each expects the previous
   * one's sequence), so nothing can interleave. A crash part-way leaves a
   * prefix; retrying the same call with the same event ids completes it
   * without doubling: JetStream drops a known Nats-Msg-Id, and where it
   * checks the expected sequence first (a clustered stream), a conflict whose
   * stored events are exactly our own is recognised as our earlier attempt.
   */
  async append(ref: AggregateRef, events: readonly NewEvent[], expectedVersion: number, ctx: AppendContext): Promise<AppendResult> {
    const subject = aggregateSubject(ref, this.prefix);
    const stream = streamName(ref.context, this.prefix);
    const trace = traceHeaders(ctx.traceparent);
    let version = expectedVersion;
    let duplicates = 0;
    for (let i = 0; i < events.length; i++) {
      const event = events[i]!;
      const { headers, data } = encodeEvent(this.registry, event, { ...ctx, ...trace });
      try {
        const ack = await this.js.publish(subject, data, {
          headers,
          msgID: event.id,
          expect: { lastSubjectSequence: version, streamName: stream },
        });
        if (ack.duplicate) duplicates++;
        version = ack.seq;
      } catch (error) {
        if (apiErrorCode(error) !== JetStreamApiCodes.StreamWrongLastSequence) throw error;
        const ours = await this.storedPrefixOf(ref, version, events.slice(i));
        if (ours.length === 0) throw new WrongExpectedVersionError(ref, expectedVersion);
        duplicates += ours.length;
        version = ours.at(-1)!.streamSeq;
        i += ours.length - 1;
      }
    }
    return { version, duplicates };
  }

  /**
   * The aggregate's events in order; empty when it has none. Read through an
   * ordered consumer filtered to the aggregate's subject, deleted afterwards.
   */
  async read(ref: AggregateRef, afterVersion = 0): Promise<StoredEvent[]> {
    const subject = aggregateSubject(ref, this.prefix);
    const stream = streamName(ref.context, this.prefix);
    const last = await this.lastSequenceOn(stream, subject);
    if (last <= afterVersion) return [];
    const consumer = await this.js.consumers.get(stream, {
      // A single filter (not an array): nats-server 2.9 has no multi-filter consumers.
      filter_subjects: subject,
      deliver_policy: afterVersion > 0 ? DeliverPolicy.StartSequence : DeliverPolicy.All,
      ...(afterVersion > 0 ? { opt_start_seq: afterVersion + 1 } : {}),
      inactive_threshold: 10_000,
    });
    const events: StoredEvent[] = [];
    try {
      // Fetch until the last event seen at the start, or until nothing is pending
      // (events deleted meanwhile): never waits for events that will not come.
      for (let done = false; !done;) {
        const batch = await consumer.fetch({ max_messages: 1_000, expires: 2_000 });
        let received = 0;
        for await (const m of batch) {
          received++;
          events.push(decodeEvent(this.registry, { subject: m.subject, seq: m.seq, data: m.data, headers: m.headers }));
          if (m.seq >= last || m.info.pending === 0) {
            done = true;
            break;
          }
        }
        if (received === 0) done = true;
      }
    } finally {
      await consumer.delete().catch(() => undefined);
    }
    return events;
  }

  /**
   * Which of `ours` are already stored right after `version` (a previous
   * attempt of this very append). Empty when another writer got there first;
   * also empty when only part of ours is stored and another writer appended
   * after it, because the rest can no longer go where it was decided to go.
   */
  private async storedPrefixOf(ref: AggregateRef, version: number, ours: readonly NewEvent[]): Promise<StoredEvent[]> {
    const stored = await this.read(ref, version);
    let k = 0;
    while (k < stored.length && k < ours.length && stored[k]!.id === ours[k]!.id) k++;
    const allOursStored = k === ours.length;
    const nothingElseAfter = k === stored.length;
    return k > 0 && (allOursStored || nothingElseAfter) ? stored.slice(0, k) : [];
  }

  /** Folds the aggregate's events into its state, with the version to append at. */
  async load<S>(ref: AggregateRef, evolver: Evolver<S>): Promise<{ state: S; version: number }> {
    const events = await this.read(ref);
    const state = events.reduce(evolver.evolve, evolver.initialState());
    return { state, version: events.at(-1)?.streamSeq ?? 0 };
  }

  /** The aggregate's version (its last event's stream sequence; 0 when it has none) without reading its events. */
  async version(ref: AggregateRef): Promise<number> {
    return this.lastSequenceOn(streamName(ref.context, this.prefix), aggregateSubject(ref, this.prefix));
  }

  private async lastSequenceOn(stream: string, subject: string): Promise<number> {
    const msg = await this.jsm.streams.getMessage(stream, { last_by_subj: subject });
    return msg?.seq ?? 0;
  }
}

function traceHeaders(traceparent: string | undefined): { traceparent?: string; tracestate?: string } {
  if (traceparent) return { traceparent };
  const carrier: Record<string, string> = {};
  propagation.inject(otelContext.active(), carrier);
  return carrier;
}

function apiErrorCode(error: unknown): number | undefined {
  return error instanceof JetStreamApiError ? error.code : undefined;
}
