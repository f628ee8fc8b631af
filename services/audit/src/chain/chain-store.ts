import { create } from '@bufbuild/protobuf';
import { timestampDate, timestampFromDate } from '@bufbuild/protobuf/wkt';
import type { JetStreamManager } from '@nats-io/jetstream';
import { aggregateSubject, auditV1, eventRegistry, streamName } from '@opsledger/contracts';
import {
  type AppendContext,
  decodeEvent,
  type EventStore,
  RetryFromCheckpointError,
  type StoredEvent,
  WrongExpectedVersionError,
} from '@opsledger/eventstore';
import { Mutex } from 'async-mutex';
import type { Kysely } from 'kysely';
import type { EntryDraft } from '../domain/audit-entry';
import { type ChainHead, GENESIS, seal, type Verification, verifyChain } from '../domain/chain';
import { chainRef, checkpointsRef } from '../domain/refs';
import type { AuditServiceTables } from '../projections/tables';

export interface AuditChainDeps {
  store: EventStore;
  /** Opened on first use (the service's parts are built synchronously). */
  jsm: () => Promise<JetStreamManager>;
  /** The service's private schema. */
  db: Kysely<AuditServiceTables>;
  prefix: string;
  newId: () => string;
  now: () => Date;
}

/** The audit service appends as itself; the entry says who acted. */
const RECORDER: AppendContext = { actor: { kind: 'system', id: 'audit' }, source: 'system' };

export interface PruneOutcome {
  entriesRemoved: number;
  throughSequence: bigint;
}

/**
 * The AUDIT chain: appends entries in order on evt.audit.chain.main, each
 * linked to the one before, exactly once per source event.
 *
 * One append at a time in this process (a mutex), and across processes the
 * expected-last-subject-sequence check: another writer in between makes this
 * one reload the head and seal again. Exactly once: an entry's Nats-Msg-Id is
 * derived from its source event's id (JetStream drops a republish within its
 * duplicate window), and `audit_recorded` remembers every source event id
 * recorded; when the head is (re)loaded, the entries in the stream after the
 * table's last row (published, then a crash before the row was written) are
 * added to it first.
 */
export class AuditChain {
  private readonly mutex = new Mutex();
  private head: (ChainHead & { version: number }) | undefined;

  constructor(private readonly deps: AuditChainDeps) {}

  /** Records the draft as the next entry, unless its source event already has one. */
  record(draft: EntryDraft): Promise<{ entry?: auditV1.AuditEntryRecorded; duplicate: boolean }> {
    return this.mutex.runExclusive(async () => {
      try {
        for (let attempt = 1; ; attempt++) {
          this.head ??= await this.loadHead();
          if (await this.isRecorded(draft.sourceEventId)) return { duplicate: true };
          const entry = seal(draft, this.head);
          try {
            const appended = await this.deps.store.append(
              chainRef,
              [{ id: draft.entryId, data: entry, occurredAt: this.deps.now() }],
              this.head.version,
              { ...RECORDER, ...(draft.correlationId ? { correlationId: draft.correlationId } : {}) },
            );
            if (appended.duplicates > 0) {
              // Stored by an earlier attempt whose row was never written: the reload adds it, and the check above says so.
              this.head = undefined;
              if (attempt > 3) throw new Error(`entry for ${draft.sourceEventId} is a duplicate but not in the stream's tail`);
              continue;
            }
            await this.remember([{ sourceEventId: draft.sourceEventId, sequence: entry.sequence, streamSeq: appended.version }]);
            this.head = { sequence: entry.sequence, hash: entry.hash, version: appended.version };
            return { entry, duplicate: false };
          } catch (error) {
            this.head = undefined;
            if (error instanceof WrongExpectedVersionError && attempt <= 10) continue;
            throw error;
          }
        }
      } catch (error) {
        this.head = undefined;
        // Never the event's fault: the source projection retries from its checkpoint instead of dead-lettering it.
        throw new RetryFromCheckpointError(`audit chain append failed: ${(error as Error).message}`, { cause: error });
      }
    });
  }

  /** The entries and the latest checkpoint, as stored. */
  async read(): Promise<{ entries: StoredEvent<auditV1.AuditEntryRecorded>[]; checkpoint?: StoredEvent<auditV1.AuditChainCheckpointed> }> {
    const [entries, checkpoints] = await Promise.all([this.deps.store.read(chainRef), this.deps.store.read(checkpointsRef)]);
    const checkpoint = checkpoints.at(-1) as StoredEvent<auditV1.AuditChainCheckpointed> | undefined;
    return { entries: entries as StoredEvent<auditV1.AuditEntryRecorded>[], ...(checkpoint ? { checkpoint } : {}) };
  }

  async verify(): Promise<Verification> {
    const { entries, checkpoint } = await this.read();
    return verifyChain(
      entries.map((e) => e.data),
      checkpoint?.data,
    );
  }

  /**
   * Retention: removes the oldest entries, those that occurred before
   * `cutoff`, up to the first one that did not (the chain is cut as a prefix,
   * never with holes: an old entry recorded after a newer one, say a late
   * event of a stream that was away, waits until that newer one is old too). The checkpoint (the last removed entry's sequence and
   * hash) is appended first, then the prefix is purged from the stream, so
   * what remains verifies from the checkpoint; a prune stopped in between
   * leaves entries the checkpoint already covers, which verification skips
   * and the next prune removes.
   */
  prune(cutoff: Date, ctx: AppendContext): Promise<PruneOutcome> {
    return this.mutex.runExclusive(async () => {
      const [{ entries, checkpoint }, checkpoints] = await Promise.all([this.read(), this.deps.store.read(checkpointsRef)]);
      const covered = checkpoint?.data.throughSequence ?? 0n;
      let last: StoredEvent<auditV1.AuditEntryRecorded> | undefined;
      let removed = 0;
      for (const e of entries) {
        if (e.data.sequence <= covered) {
          last = e;
          continue;
        }
        if (!e.data.occurredAt || timestampDate(e.data.occurredAt) >= cutoff) break;
        last = e;
        removed++;
      }
      if (!last) return { entriesRemoved: 0, throughSequence: covered };
      if (removed > 0) {
        const data = create(auditV1.AuditChainCheckpointedSchema, {
          throughSequence: last.data.sequence,
          throughHash: last.data.hash,
          cutoff: timestampFromDate(cutoff),
          entriesRemoved: BigInt(removed),
          at: timestampFromDate(this.deps.now()),
        });
        await this.deps.store.append(
          checkpointsRef,
          [{ id: this.deps.newId(), data, occurredAt: this.deps.now() }],
          checkpoints.at(-1)?.streamSeq ?? 0,
          ctx,
        );
      }
      const stream = streamName('audit', this.deps.prefix);
      await (
        await this.deps.jsm()
      ).streams.purge(stream, { filter: aggregateSubject(chainRef, this.deps.prefix), seq: last.streamSeq + 1 });
      this.head = undefined;
      return { entriesRemoved: removed, throughSequence: last.data.sequence };
    });
  }

  private async isRecorded(sourceEventId: string): Promise<boolean> {
    const row = await this.deps.db
      .selectFrom('audit_recorded')
      .select('source_event_id')
      .where('source_event_id', '=', sourceEventId)
      .executeTakeFirst();
    return row !== undefined;
  }

  private async remember(rows: { sourceEventId: string; sequence: bigint; streamSeq: number }[]) {
    if (rows.length === 0) return;
    await this.deps.db
      .insertInto('audit_recorded')
      .values(rows.map((r) => ({ source_event_id: r.sourceEventId, sequence: String(r.sequence), stream_seq: r.streamSeq })))
      .onConflict((oc) => oc.column('source_event_id').doNothing())
      .execute();
  }

  /** The last entry (or the checkpoint after it, when retention removed every entry); catches `audit_recorded` up with the stream first. */
  private async loadHead(): Promise<ChainHead & { version: number }> {
    const known = await this.deps.db
      .selectFrom('audit_recorded')
      .select((eb) => eb.fn.max('stream_seq').as('seq'))
      .executeTakeFirst();
    const tail = (await this.deps.store.read(chainRef, Number(known?.seq ?? 0))) as StoredEvent<auditV1.AuditEntryRecorded>[];
    await this.remember(tail.map((e) => ({ sourceEventId: e.data.sourceEventId, sequence: e.data.sequence, streamSeq: e.streamSeq })));

    const stream = streamName('audit', this.deps.prefix);
    const jsm = await this.deps.jsm();
    const lastOn = async (subject: string) => {
      const msg = await jsm.streams.getMessage(stream, { last_by_subj: subject });
      return msg ? decodeEvent(eventRegistry, { subject: msg.subject, seq: msg.seq, data: msg.data, headers: msg.header }) : undefined;
    };
    const [lastEntry, lastCheckpoint] = await Promise.all([
      lastOn(aggregateSubject(chainRef, this.deps.prefix)),
      lastOn(aggregateSubject(checkpointsRef, this.deps.prefix)),
    ]);
    const entry = lastEntry?.data as auditV1.AuditEntryRecorded | undefined;
    const checkpoint = lastCheckpoint?.data as auditV1.AuditChainCheckpointed | undefined;
    const version = lastEntry?.streamSeq ?? 0;
    if (checkpoint && checkpoint.throughSequence >= (entry?.sequence ?? 0n))
      return { sequence: checkpoint.throughSequence, hash: checkpoint.throughHash, version };
    return entry ? { sequence: entry.sequence, hash: entry.hash, version } : { ...GENESIS, version };
  }
}
