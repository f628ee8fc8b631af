import { ActorKind, Source } from '@opsledger/contracts';
import { ClientIpKey, CorrelationIdKey } from '@opsledger/messaging';
import type { Request } from 'express';
import { v7 as uuidv7 } from 'uuid';

const CLIENT_CORRELATION_ID = /^[A-Za-z0-9._:-]{8,128}$/;
const correlationIds = new WeakMap<Request, string>();

/**
 * The request's correlation id: the client's `X-Correlation-Id` when it is a
 * plausible token, else a new one; the same for every command of one request,
 * and answered in the `X-Correlation-Id` response header.
 */
export function correlationIdOf(req: Request): string {
  let id = correlationIds.get(req);
  if (!id) {
    const given = req.headers['x-correlation-id'];
    id = typeof given === 'string' && CLIENT_CORRELATION_ID.test(given) ? given : uuidv7();
    correlationIds.set(req, id);
    if (req.res && !req.res.headersSent) req.res.setHeader('X-Correlation-Id', id);
  }
  return id;
}

/**
 * Who sends a command from this request, and through which door: the
 * console's session or an API token. Spread into a command, it also carries
 * the request's correlation id (under a symbol key: the CommandClient sends
 * it as the Ops-Correlation-Id header).
 */
export function commandActor(req: Request) {
  return {
    actor: { userId: req.principal!.id, kind: req.principal!.role === 'admin' ? ActorKind.STAFF : ActorKind.CUSTOMER },
    source: req.principal!.via === 'session' ? Source.CONSOLE : Source.API,
    [CorrelationIdKey]: correlationIdOf(req),
    // The client's address as the sign-in resolved it (Settings → Security's trusted proxies), else as Express sees it; for the audit log.
    [ClientIpKey]: req.clientIp ?? req.ip,
  };
}
