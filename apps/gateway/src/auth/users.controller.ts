import { Body, Controller, Delete, HttpCode, Inject, Param, Patch, Post, Req } from '@nestjs/common';
import { IdempotencyKeyKey, validate } from '@opsledger/messaging';
import { uuidFromHash } from '@opsledger/service-runtime';
import type { Request } from 'express';
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { correlationIdOf } from '../api/command-actor';
import { idempotencyKeyOf } from '../api/idempotency-key';
import { ListController } from '../api/list/list-controller';
import { readModelOf } from '../projections/read-model';
import { AccountCommands, type ChangeContext } from './account-commands';
import { newAccountSchema, passwordSchema } from './accounts';
import { AdminOnly } from './auth.guard';
import { AuthService } from './auth.service';
import type { IdentityTables } from './identity-tables';
import { hashPassword } from './secrets';
import { usersResource } from './users.resource';

/** The identity schema as a read model: the Team page lists user_account through the shared list reader. */
export const IdentityReadModel = readModelOf<IdentityTables>('identity');

const createUserSchema = newAccountSchema.extend({
  /** Absent: one is generated and answered once. */
  password: passwordSchema.optional(),
});

const changeUserSchema = z
  .strictObject({
    name: z.string().trim().min(1, 'is required').max(200),
    role: z.enum(['admin', 'customer'], 'must be admin or customer'),
    disabled: z.boolean('must be true or false'),
    /** A reset: the account's sessions end with it. */
    password: passwordSchema,
  })
  .partial()
  .refine((c) => Object.keys(c).length > 0, 'give at least one of name, role, disabled, password');

/** Who makes the change: the signed-in staff member, through the console (session) or the API (token), the request's correlation id and client address. */
export function changeContextOf(req: Request): ChangeContext {
  const principal = req.principal!;
  return {
    actor: { kind: principal.role === 'admin' ? 'staff' : 'customer', id: principal.id },
    source: principal.via === 'session' ? 'console' : 'api',
    correlationId: correlationIdOf(req),
    // The client's address, as the gateway's commands carry it (Ops-Client-Ip), for the audit log.
    clientIp: req.clientIp ?? req.ip,
  };
}

/**
 * Team management (admin only): staff and customer accounts. Every change is an identity event first
 * (AccountCommands), the table follows. The last active admin cannot be disabled, demoted or deleted (409); an
 * email is taken once (409); the password policy is checked here (400). A disabled or deleted account's sessions
 * and API tokens stop working at the next request.
 */
@AdminOnly()
@Controller('api/users')
export class UsersController extends ListController<IdentityTables>(usersResource, IdentityReadModel, 'user') {
  constructor(
    @Inject(AccountCommands) private readonly accounts: AccountCommands,
    @Inject(AuthService) private readonly auth: AuthService,
  ) {
    super();
  }

  @Post()
  async create(@Body() body: unknown, @Req() req: Request) {
    const input = validate(createUserSchema, body ?? {});
    const key = idempotencyKeyOf(req)[IdempotencyKeyKey];
    const generated = input.password === undefined ? randomBytes(18).toString('base64url') : undefined;
    const passwordHash = await hashPassword(input.password ?? generated!);
    const { account, replayed } = await this.accounts.create(
      { email: input.email, name: input.name, role: input.role, passwordHash },
      changeContextOf(req),
      // The same key from the same admin names the same account: a retry after a lost answer does not make a second.
      key === undefined ? undefined : uuidFromHash('aggregate', 'staff', req.principal!.id, 'create-user', key),
    );
    if (replayed) return { ...usersResource.toJson(account), note: 'already created by the first request with this Idempotency-Key' };
    return {
      ...usersResource.toJson(account),
      ...(generated ? { password: generated, note: 'the generated password is shown once: hand it over now' } : {}),
    };
  }

  @Patch(':id')
  async change(@Param('id') id: string, @Body() body: unknown, @Req() req: Request) {
    const input = validate(changeUserSchema, body ?? {});
    const passwordHash = input.password === undefined ? undefined : await hashPassword(input.password);
    const { account } = await this.accounts.change(
      id,
      { name: input.name, role: input.role, disabled: input.disabled, passwordHash },
      changeContextOf(req),
    );
    this.auth.forget({ kind: 'user', id });
    return usersResource.toJson(account);
  }

  @Delete(':id')
  @HttpCode(204)
  async remove(@Param('id') id: string, @Req() req: Request) {
    await this.accounts.delete(id, changeContextOf(req));
    this.auth.forget({ kind: 'user', id });
  }
}
