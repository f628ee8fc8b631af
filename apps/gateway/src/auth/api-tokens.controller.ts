import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Post, Req } from '@nestjs/common';
import { ForbiddenError, NotFoundError, validate } from '@opsledger/messaging';
import type { Request } from 'express';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import { ApiTokenEvents } from './api-token-events';
import { createApiToken, revokeApiToken } from './api-tokens';
import { AuthService } from './auth.service';
import { AdminOnly } from './auth.guard';
import type { IdentityTables } from './identity-tables';
import { IDENTITY_DB } from './identity.tokens';

/** The longest an API token may live. */
export const MAX_TOKEN_DAYS = 365;

const createTokenSchema = z.object({
  name: z.string().trim().min(1, 'is required').max(100),
  /** The account the token acts as; defaults to the admin creating it. Another staff account's is refused. */
  userId: z.string().min(1).max(64).optional(),
  /** Every token expires: in 1 to 365 days. */
  expiresInDays: z
    .number('is required: a token lives 1 to 365 days')
    .int('must be a whole number of days')
    .min(1)
    .max(MAX_TOKEN_DAYS, `must be at most ${MAX_TOKEN_DAYS} days`),
});

/** API tokens for programs: created and revoked by an admin; the token itself is shown once. */
@AdminOnly()
@Controller('api/api-tokens')
export class ApiTokensController {
  constructor(
    @Inject(IDENTITY_DB) private readonly db: Kysely<IdentityTables>,
    @Inject(ApiTokenEvents) private readonly events: ApiTokenEvents,
    @Inject(AuthService) private readonly auth: AuthService,
  ) {}

  @Get()
  list() {
    return this.db
      .selectFrom('api_token')
      .select([
        'id',
        'user_id as userId',
        'name',
        'token_prefix as tokenPrefix',
        'created_at as createdAt',
        'created_by as createdBy',
        'last_used_at as lastUsedAt',
        'revoked_at as revokedAt',
        'expires_at as expiresAt',
      ])
      .orderBy('created_at', 'desc')
      .execute();
  }

  @Post()
  async create(@Body() body: unknown, @Req() req: Request) {
    const input = validate(createTokenSchema, body ?? {});
    const userId = input.userId ?? req.principal!.id;
    const owner = await this.db.selectFrom('user_account').select(['id', 'role']).where('id', '=', userId).executeTakeFirst();
    if (!owner) throw new NotFoundError(`user ${userId} not found`);
    // A token acts as its owner: one for another staff account would let an admin act as that admin.
    if (owner.role === 'admin' && owner.id !== req.principal!.id) {
      throw new ForbiddenError('a token for another staff account can only be made by that account');
    }
    const expiresAt = new Date(Date.now() + input.expiresInDays * 86_400_000);
    const createdBy = req.principal!.id;
    const { token, ...row } = await this.db.transaction().execute(async (trx) => {
      const made = await createApiToken(trx, { userId, name: input.name, createdBy, expiresAt });
      // Recorded before the row commits: a token whose event could not be stored is not made.
      await this.events.created(
        { id: made.id, userId, name: made.name, createdBy, createdAt: made.created_at as unknown as Date, expiresAt },
        req,
      );
      return made;
    });
    return {
      id: row.id,
      userId: row.user_id,
      name: row.name,
      tokenPrefix: row.token_prefix,
      createdAt: row.created_at,
      expiresAt: row.expires_at,
      token,
      note: 'store this token now: it is not shown again',
    };
  }

  @Delete(':id')
  @HttpCode(204)
  async revoke(@Param('id') id: string, @Req() req: Request) {
    const userId = await this.db.transaction().execute(async (trx) => {
      const revoked = await revokeApiToken(trx, id);
      if (!revoked) throw new NotFoundError(`API token ${id} not found or already revoked`);
      await this.events.revoked({ id, userId: revoked.userId, revokedBy: req.principal!.id, revokedAt: revoked.revokedAt }, req);
      return revoked.userId;
    });
    this.auth.forget({ kind: 'user', id: userId });
  }
}
