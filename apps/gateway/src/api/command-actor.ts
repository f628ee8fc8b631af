import { ActorKind, Source } from '@opsledger/contracts';
import type { Request } from 'express';

/** Who sends a command from this request, and through which door: the console's session or an API token. */
export function commandActor(req: Request) {
  return {
    actor: { userId: req.principal!.id, kind: req.principal!.role === 'admin' ? ActorKind.STAFF : ActorKind.CUSTOMER },
    source: req.principal!.via === 'session' ? Source.CONSOLE : Source.API,
  };
}
