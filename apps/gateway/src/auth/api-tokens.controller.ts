import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Post, Req } from '@nestjs/common';
import { NotFoundError, validate } from '@opsledger/messaging';
import type { Request } from 'express';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import { createApiToken, revokeApiToken } from './api-tokens';
import { AdminOnly } from './auth.guard';
import type { IdentityTables } from './identity-tables';
import { IDENTITY_DB } from './identity.tokens';

const createTokenSchema = z.object({
  name: z.string().trim().min(1, 'is required').max(100),
  /** The account the token acts as; defaults to the admin creating it. */
  userId: z.string().min(1).max(64).optional(),
});

/** API tokens for programs: created and revoked by an admin; the token itself is shown once. */
@AdminOnly()
@Controller('api/api-tokens')
export class ApiTokensController {
  constructor(@Inject(IDENTITY_DB) private readonly db: Kysely<IdentityTables>) {}

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
      ])
      .orderBy('created_at', 'desc')
      .execute();
  }

  @Post()
  async create(@Body() body: unknown, @Req() req: Request) {
    const input = validate(createTokenSchema, body ?? {});
    const userId = input.userId ?? req.principal!.id;
    const owner = await this.db.selectFrom('user_account').select('id').where('id', '=', userId).executeTakeFirst();
    if (!owner) throw new NotFoundError(`user ${userId} not found`);
    const { token, ...row } = await createApiToken(this.db, { userId, name: input.name, createdBy: req.principal!.id });
    return { ...row, token, note: 'store this token now: it is not shown again' };
  }

  @Delete(':id')
  @HttpCode(204)
  async revoke(@Param('id') id: string) {
    if (!(await revokeApiToken(this.db, id))) throw new NotFoundError(`API token ${id} not found or already revoked`);
  }
}
