import { type CanActivate, type ExecutionContext, ForbiddenException, Inject, Injectable, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { PUBLIC_ROUTE } from '@opsledger/service-runtime';
import type { Request, Response } from 'express';
import { addServerTiming } from '../api/server-timing';
import { AuthService } from './auth.service';

export { Public } from '@opsledger/service-runtime';

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
    const req = context.switchToHttp().getRequest<Request>();
    refuseCrossSiteChange(req);
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_ROUTE, targets)) return true;
    const started = performance.now();
    req.principal = await this.auth.authenticate(req);
    addServerTiming(context.switchToHttp().getResponse<Response>(), 'auth', performance.now() - started, 'session or token check');
    if (this.reflector.getAllAndOverride<boolean>(ADMIN_ONLY, targets) && req.principal.role !== 'admin') {
      throw new ForbiddenException('this needs a staff account');
    }
    return true;
  }
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * CSRF: SameSite=Lax still lets a page on a sibling subdomain (same site) post a form with the session cookie.
 * A change that a cookie would authenticate (any method but GET/HEAD/OPTIONS, no Authorization header, public
 * routes such as logout included) must show it comes from this origin: the browser's `Sec-Fetch-Site: same-origin`
 * (or `none`: typed by the user), or the `X-Requested-With` header the console sends on every request, which
 * another origin cannot add without a CORS preflight this gateway never grants. A form cannot send JSON, and the
 * gateway reads no other body (415), so a change with a body is covered twice.
 */
function refuseCrossSiteChange(req: Request): void {
  if (SAFE_METHODS.has(req.method) || req.headers.authorization) return;
  if (!req.headers.cookie) return;
  const site = req.headers['sec-fetch-site'];
  if (site === 'same-origin' || site === 'none') return;
  if (req.headers['x-requested-with'] && site !== 'cross-site' && site !== 'same-site') return;
  throw new ForbiddenException(
    'a change signed in by cookie must come from the console: send X-Requested-With (and no cross-site Sec-Fetch-Site), or use an API token',
  );
}
