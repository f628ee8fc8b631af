import { CheckpointMovedError } from './checkpoint-moved-error';

/**
 * Errors that say the database (or another runner) is in the way rather
 * than that an event is bad. The batch is retried from the checkpoint, never
 * dead-lettered, for these:
 * - SQLSTATE 08 connection, 53 resources, 57 operator intervention (restart,
 *   statement timeout), 58 system, XX internal, 40 deadlock/serialization,
 *   55 lock not available, 25 read-only transaction (a failover in progress);
 * - a missing table, schema or privilege: the environment is wrong, and
 *   dead-lettering would empty the stream into the dead-letter table;
 * - socket errors, and a checkpoint another runner moved.
 */
export function isTransientDbError(error: unknown): boolean {
  if (error instanceof CheckpointMovedError) return true;
  const e = error as { code?: unknown; message?: unknown } | undefined;
  const code = typeof e?.code === 'string' ? e.code : '';
  if (/^(08|25|40|53|55|57|58|XX)/.test(code)) return true;
  if (['42P01', '3F000', '42501', '3D000'].includes(code)) return true;
  if (['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ENOTFOUND'].includes(code)) return true;
  return /Connection terminated|connection timeout|Client has encountered a connection error|timeout exceeded when trying to connect/i.test(
    String(e?.message),
  );
}
