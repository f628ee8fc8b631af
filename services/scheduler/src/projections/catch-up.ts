import type { JetStreamManager } from '@nats-io/jetstream';
import { type Context, streamName } from '@opsledger/contracts';
import type { Kysely } from 'kysely';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Waits until a private projection has applied everything its stream held
 * when asked: a job that reads a lookup reads what was written before it
 * started, not what the projection happened to have reached.
 */
export async function waitForProjection(
  deps: { db: Kysely<any>; jsm: () => Promise<JetStreamManager>; schema: string; prefix: string },
  projection: string,
  context: Context,
  options: { timeoutMs?: number; signal?: AbortSignal } = {},
): Promise<void> {
  const { state } = await (await deps.jsm()).streams.info(streamName(context, deps.prefix));
  const deadline = Date.now() + (options.timeoutMs ?? 30_000);
  for (;;) {
    const row = await deps.db
      .withSchema(deps.schema)
      .selectFrom('projection_checkpoint')
      .select('last_seq')
      .where('projection', '=', projection)
      .executeTakeFirst();
    if (Number(row?.last_seq ?? 0) >= state.last_seq) return;
    if (Date.now() > deadline)
      throw new Error(`the ${projection} lookup is behind the ${context} stream (at ${row?.last_seq ?? 0} of ${state.last_seq})`);
    options.signal?.throwIfAborted();
    await sleep(50);
  }
}
