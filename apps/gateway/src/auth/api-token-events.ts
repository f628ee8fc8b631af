import { create } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { identityV1 } from '@opsledger/contracts';
import type { AppendContext, EventStore } from '@opsledger/eventstore';
import type { Request } from 'express';
import { v7 as uuidv7 } from 'uuid';
import { correlationIdOf } from '../api/command-actor';

/**
 * API tokens' lives on the IDENTITY stream (evt.identity.api-token.<id>): who made one for which account, until when,
 * and who revoked it. Never the token or its hash. The gateway's table stays the token's home (it is checked on
 * every call); each change publishes its event before the row commits, so a change whose event could not be stored
 * is not made either.
 */
export class ApiTokenEvents {
  constructor(private readonly store: EventStore) {}

  async created(
    token: { id: string; userId: string; name: string; createdBy: string; createdAt: Date; expiresAt: Date },
    req: Request,
  ): Promise<void> {
    const data = create(identityV1.ApiTokenCreatedSchema, {
      tokenId: token.id,
      accountId: token.userId,
      name: token.name,
      createdBy: token.createdBy,
      createdAt: timestampFromDate(token.createdAt),
      expiresAt: timestampFromDate(token.expiresAt),
    });
    await this.store.append(ref(token.id), [{ id: uuidv7(), data, occurredAt: token.createdAt }], 0, contextOf(req));
  }

  async revoked(token: { id: string; userId: string; revokedBy: string; revokedAt: Date }, req: Request): Promise<void> {
    await this.revokedBy(token, contextOf(req));
  }

  /** The revocation with the change's own actor and source: a deleted account's tokens go with its AccountDeleted. */
  async revokedBy(token: { id: string; userId: string; revokedBy: string; revokedAt: Date }, ctx: AppendContext): Promise<void> {
    const data = create(identityV1.ApiTokenRevokedSchema, {
      tokenId: token.id,
      accountId: token.userId,
      revokedBy: token.revokedBy,
      revokedAt: timestampFromDate(token.revokedAt),
    });
    // After the token's own events (none for a token made before they existed).
    const version = await this.store.version(ref(token.id));
    await this.store.append(ref(token.id), [{ id: uuidv7(), data, occurredAt: token.revokedAt }], version, ctx);
  }
}

const ref = (id: string) => ({ context: 'identity' as const, type: 'api-token', id });

function contextOf(req: Request) {
  const principal = req.principal!;
  return {
    actor: { kind: principal.role === 'admin' ? ('staff' as const) : ('customer' as const), id: principal.id },
    source: principal.via === 'session' ? ('console' as const) : ('api' as const),
    correlationId: correlationIdOf(req),
    clientIp: req.clientIp ?? req.ip,
  };
}
