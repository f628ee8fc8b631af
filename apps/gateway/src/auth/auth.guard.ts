import { type CanActivate, type ExecutionContext, ForbiddenException, Inject, Injectable, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { PUBLIC_ROUTE } from '@opsledger/telemetry';
import type { Request } from 'express';
import { AuthService } from './auth.service';

export { Public } from '@opsledger/telemetry';

const ADMIN_ONLY = 'opsledger:admin-only';

/** A route only staff may call: a customer gets 403, an anonymous caller 401. */
export const AdminOnly = () => SetMetadata(ADMIN_ONLY, true);

/**
 * Deny by default: every route needs a session or a token unless it is
 * marked @Public (sign-in, health probes). Deciding by path instead once let
 * `/API/…` through, because routing ignores case; the console's static files
 * are served by middleware and never reach a guard.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    @Inject(Reflector) private readonly reflector: Reflector,
    @Inject(AuthService) private readonly auth: AuthService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_ROUTE, targets)) return true;
    const req = context.switchToHttp().getRequest<Request>();
    req.principal = await this.auth.authenticate(req);
    if (this.reflector.getAllAndOverride<boolean>(ADMIN_ONLY, targets) && req.principal.role !== 'admin') {
      throw new ForbiddenException('this needs a staff account');
    }
    return true;
  }
}
