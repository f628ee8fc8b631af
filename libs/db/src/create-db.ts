import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';

// int8 (bigint) columns carry stream sequences; they fit in a JS number up to
// 2^53, which a JetStream stream does not reach, so parse them as numbers.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number(value));

export interface DbOptions {
  connectionString: string;
  /** Pool size; each service needs few connections. */
  max?: number;
  applicationName?: string;
  /** Longest any one statement may run; a stuck query is an error to retry, not a hang. */
  statementTimeoutMs?: number;
}

export function createDb<DB>(options: DbOptions): Kysely<DB> {
  const pool = new pg.Pool({
    connectionString: options.connectionString,
    max: options.max ?? 10,
    application_name: options.applicationName ?? 'opsledger',
    // A half-open connection (a peer gone without a FIN) must fail, not stall a projector for ever.
    keepAlive: true,
    connectionTimeoutMillis: 10_000,
    statement_timeout: options.statementTimeoutMs ?? 60_000,
  });
  // A connection cut by the server (Postgres restarted, backend terminated)
  // emits 'error' on its client; unheard, that is an uncaught exception that
  // kills the process. The query running on it fails on its own and the pool
  // discards the client, so listening is all that is needed: idle clients
  // report through the pool, checked-out ones through the client itself.
  pool.on('error', () => undefined);
  pool.on('connect', (client) => client.on('error', () => undefined));
  return new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
}
