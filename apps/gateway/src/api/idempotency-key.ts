import { IDEMPOTENCY_KEY_RULE, IdempotencyKeyKey, isIdempotencyKey, ValidationError } from '@opsledger/messaging';
import type { Request } from 'express';

/**
 * The request's `Idempotency-Key` header for a creating POST, to spread into
 * its command (under a symbol key: the CommandClient sends it as the
 * Ops-Idempotency-Key header). The service derives the new record's id from
 * it, so a retry after a time-out (503) answers the first result instead of
 * creating a second one. No header: nothing (a fresh id, as before); a
 * malformed one: 400 naming the header.
 */
export function idempotencyKeyOf(req: Request): { [IdempotencyKeyKey]?: string } {
  const given = req.headers['idempotency-key'];
  if (given === undefined) return {};
  if (!isIdempotencyKey(given))
    throw new ValidationError([{ field: 'Idempotency-Key', rule: 'format', message: `must be ${IDEMPOTENCY_KEY_RULE}` }]);
  return { [IdempotencyKeyKey]: given };
}
