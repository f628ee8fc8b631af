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

/**
 * gRPC statuses that say the server is away or overloaded, or that the
 * environment is wrong (a missing namespace, a refused credential), not that
 * the request is bad. As with a missing table, waiting for the operator beats
 * dead-lettering every event that comes. INVALID_ARGUMENT, ALREADY_EXISTS and
 * the like are about the request: those still go to the dead letters.
 */
const TRANSIENT_GRPC_CODES = new Set([
  1, // CANCELLED
  2, // UNKNOWN
  4, // DEADLINE_EXCEEDED
  5, // NOT_FOUND (e.g. the namespace)
  7, // PERMISSION_DENIED
  8, // RESOURCE_EXHAUSTED
  10, // ABORTED
  13, // INTERNAL
  14, // UNAVAILABLE
  16, // UNAUTHENTICATED
]);

/**
 * Errors of an RPC service a projection calls (Temporal, for the workflow
 * dispatchers) that say the service is away rather than that the event is
 * bad: retried from the checkpoint like a database outage. Dead-lettering
 * them would drop the dispatch for good, and the aggregate waiting for its
 * workflow would wait for ever. Follows the `cause` chain, as clients wrap
 * the gRPC error in their own.
 */
export function isTransientRpcError(error: unknown): boolean {
  for (let e = error as { code?: unknown; details?: unknown; message?: unknown; cause?: unknown } | undefined; e; e = e.cause as typeof e) {
    if (typeof e.code === 'number' && typeof e.details === 'string' && TRANSIENT_GRPC_CODES.has(e.code)) return true;
    if (/Failed to connect before the deadline|No connection established/i.test(String(e.message))) return true;
    if (typeof e !== 'object') return false;
  }
  return false;
}

/**
 * Thrown by a projection to say that what failed is not the event's fault (a
 * stream it appends to is away, say): the batch is retried from the
 * checkpoint instead of the event being dead-lettered.
 */
export class RetryFromCheckpointError extends Error {
  override readonly name = 'RetryFromCheckpointError';
}

/** Not the event's fault: the batch is retried from the checkpoint. */
export const isTransientError = (error: unknown) =>
  error instanceof RetryFromCheckpointError || isTransientDbError(error) || isTransientRpcError(error);
