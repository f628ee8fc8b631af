import type { Context } from '@opsledger/contracts';
import type { Migrations } from '@opsledger/db';
import type { Transaction } from 'kysely';
import type { StoredEvent } from '../event';

/**
 * A read model fed by one context's stream. `apply` receives events in stream
 * order, inside the transaction that also moves the checkpoint, and must do
 * all its writes through `trx`: that is what makes the effect exactly once.
 * It gets the whole batch so it can write many rows per statement.
 */
export interface Projection<DB = any> {
  /** Unique per schema; names the checkpoint row and the migration history. */
  name: string;
  context: Context;
  /** Postgres schema holding the read model's tables (and the runner's bookkeeping). */
  schema: string;
  migrations: Migrations;
  /** Tables emptied by a rebuild before the stream is replayed from the start. */
  tables: readonly string[];
  apply(trx: Transaction<DB>, events: readonly StoredEvent[]): Promise<void>;
}
