import type { JetStreamManager } from '@nats-io/jetstream';
import type { Kysely } from 'kysely';

/** Aggregates purged per round: one subject purge each, then the next page of the index. */
const BATCH = 500;

export interface IndexedAggregate {
  id: string;
  at: Date;
}

/**
 * A log prune's purge: walks a service's private index of its log's aggregates (`id`, `at`) older than `before`, in
 * keyset pages, and purges each chosen aggregate's subject (its events go with it). `choose` picks which of a page go
 * (a retention decider); by default all. What the index rows become is for the prune's event to say.
 */
export async function purgeIndexedAggregates(options: {
  index: Kysely<any>;
  table: string;
  before: Date;
  jsm: JetStreamManager;
  stream: string;
  subjectOf: (id: string) => string;
  choose?: (page: IndexedAggregate[]) => { id: string }[];
}): Promise<{ aggregates: number; eventsPurged: number }> {
  const { index, table, before, jsm, stream, subjectOf, choose = (page) => page } = options;
  let aggregates = 0;
  let eventsPurged = 0;
  let after: IndexedAggregate | undefined;
  for (;;) {
    let page = index.selectFrom(table).where('at', '<', before).select(['id', 'at']).orderBy('at').orderBy('id').limit(BATCH);
    if (after) page = page.where((eb) => eb(eb.refTuple('at', 'id'), '>', eb.tuple(after!.at, after!.id)));
    const rows = (await page.execute()) as IndexedAggregate[];
    if (rows.length === 0) break;
    const chosen = choose(rows);
    const purged = await Promise.all(chosen.map((r) => jsm.streams.purge(stream, { filter: subjectOf(r.id) })));
    aggregates += chosen.length;
    eventsPurged += purged.reduce((sum, p) => sum + p.purged, 0);
    after = rows.at(-1)!;
  }
  return { aggregates, eventsPurged };
}
