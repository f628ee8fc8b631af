import { HttpException, HttpStatus, UnauthorizedException } from '@nestjs/common';
import type { Request } from 'express';
import type { Kysely } from 'kysely';
import { findAccountByEmail } from './accounts';
import { checkApiToken, type TokenCheck } from './api-tokens';
import type { IdentityTables } from './identity-tables';
import type { LoginAttempt, LoginEvents } from './login-events';
import type { LoginThrottle } from './login-throttle';
import type { ClientRoute } from './client-ip';
import { blockedMessage, type SignInBlocks } from './sign-in-blocks';
import type { Principal } from './principal';
import { type IdentityChange, PrincipalCache } from './principal-cache';
import { decoyVerify, hashPassword, needsRehash, tokenHash, verifyPassword } from './secrets';
import { admitSession, createSession, endSession, SESSION_COOKIE } from './sessions';

export const INVALID_CREDENTIALS = 'invalid email or password';

export interface AuthSettings {
  sessionTtlHours: number;
  /** The client address chosen by the trusted proxies in force, with the peer and the forwarded chain. */
  clientRoute: (req: Request) => ClientRoute;
}

/** A successful API token use is logged at most this often per token; every failure is logged. */
const TOKEN_SUCCESS_LOG_INTERVAL_MS = 10 * 60_000;

export class AuthService {
  /** Sessions and API tokens checked in the last few seconds (kept apart: a token sent as a cookie is no session). */
  readonly sessions = new PrincipalCache<Principal>();
  readonly tokens = new PrincipalCache<{ principal: Principal; tokenId: string }>();
  private readonly tokenLoggedAt = new Map<string, number>();
  private readonly refusalLoggedAt = new Map<string, number>();

  constructor(
    private readonly db: Kysely<IdentityTables>,
    private readonly throttle: LoginThrottle,
    private readonly events: LoginEvents,
    private readonly settings: AuthSettings,
    private readonly blocks?: SignInBlocks,
  ) {}

  /** A change this process made (an account, a session, a token): forgotten before its notice arrives, so this replica answers at once. */
  forget(change: IdentityChange): void {
    this.sessions.changed(change);
    this.tokens.changed(change);
  }

  /** Panel sign-in. Every outcome is one LOGINS event (refusals sampled); every failure answers the same 401. */
  async login(req: Request, email: string, password: string): Promise<{ principal: Principal; token: string; expiresAt: Date }> {
    const client = this.client(req);
    const attempt = { email, ip: client.ip, userAgent: client.userAgent, channel: 'panel' as const, route: client.route };
    // A brute-force block (IP Log): refused before any password is checked, and not counted as a failure.
    const block = await this.blocks?.find(email, client.ip);
    if (block) {
      await this.recordRefusal({ ...attempt, result: 'rate_limited', reason: 'attack_suspected' });
      throw blocked(block);
    }
    const reservation = await this.throttle.reserve({ email, ip: client.ip, channel: 'panel' });
    if (reservation.retryAfterSeconds > 0) {
      await this.recordRefusal({ ...attempt, result: 'rate_limited', reason: 'rate_limited' });
      throw tooManyAttempts(reservation.retryAfterSeconds);
    }
    const account = await findAccountByEmail(this.db, email);
    const valid = account ? await verifyPassword(account.password_hash, password) : await decoyVerify(password);
    if (!account || !valid || account.disabled) {
      const reason = !account ? 'unknown_account' : !valid ? 'bad_credentials' : 'disabled';
      await this.events.record({ ...attempt, user: account, result: 'failed', reason });
      throw new UnauthorizedException(INVALID_CREDENTIALS);
    }
    await this.throttle.succeeded(reservation, email, client.ip);
    // A hash from older, costlier parameters is redone with today's while the password is at hand (not an account change).
    if (needsRehash(account.password_hash)) {
      const passwordHash = await hashPassword(password);
      await this.db.updateTable('user_account').set({ password_hash: passwordHash }).where('id', '=', account.id).execute();
    }
    const session = await createSession(this.db, account.id, client, this.settings.sessionTtlHours);
    await this.events.record({ ...attempt, user: account, result: 'succeeded', reason: '' });
    return { principal: { id: account.id, email: account.email, name: account.name, role: account.role, via: 'session' }, ...session };
  }

  /** Ends a session, on this replica at once (the others hear it from the session's change notice). */
  async logout(token: string): Promise<void> {
    const hash = tokenHash(token);
    await endSession(this.db, hash);
    this.forget({ kind: 'token', hash });
  }

  /** Who is calling /api: the bearer token if one is sent, else the session cookie. */
  async authenticate(req: Request): Promise<Principal> {
    const bearer = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
    if (bearer) return this.authenticateToken(req, bearer);
    const cookie = (req.cookies as Record<string, string> | undefined)?.[SESSION_COOKIE];
    const hash = cookie && tokenHash(cookie);
    const principal = hash ? await this.sessions.admit(hash, () => admitSession(this.db, hash)) : undefined;
    if (!principal) throw new UnauthorizedException('sign in required');
    return principal;
  }

  private async authenticateToken(req: Request, token: string): Promise<Principal> {
    const client = this.client(req);
    const hash = tokenHash(token);
    let check: TokenCheck | undefined;
    const admitted = await this.tokens.admit(hash, async () => {
      check = await checkApiToken(this.db, hash);
      return 'principal' in check ? { value: check, userId: check.principal.id, expiresAt: check.expiresAt } : undefined;
    });
    if (admitted) {
      await this.logTokenUse(admitted.tokenId, admitted.principal, client);
      return admitted.principal;
    }
    if (!check || 'principal' in check) throw new UnauthorizedException('invalid or revoked API token');
    // Only failures are counted, so a valid token is never slowed by the limit.
    const block = await this.blocks?.find(check.email ?? '', client.ip);
    const reservation = block ? { retryAfterSeconds: 0, ids: [] } : await this.throttle.reserve({ ip: client.ip, channel: 'api' });
    if (block || reservation.retryAfterSeconds > 0) {
      await this.recordRefusal({
        email: check.email ?? '',
        ip: client.ip,
        userAgent: client.userAgent,
        channel: 'api',
        result: 'rate_limited',
        reason: block ? 'attack_suspected' : 'rate_limited',
        route: client.route,
      });
      throw block ? blocked(block) : tooManyAttempts(reservation.retryAfterSeconds);
    }
    await this.events.record({
      email: check.email ?? '',
      ip: client.ip,
      userAgent: client.userAgent,
      route: client.route,
      channel: 'api',
      result: 'failed',
      reason: check.failure,
    });
    throw new UnauthorizedException('invalid or revoked API token');
  }

  private async logTokenUse(
    tokenId: string,
    principal: Principal,
    client: { ip: string; userAgent: string; route: LoginAttempt['route'] },
  ) {
    const last = this.tokenLoggedAt.get(tokenId) ?? 0;
    if (Date.now() - last <= TOKEN_SUCCESS_LOG_INTERVAL_MS) return;
    this.tokenLoggedAt.set(tokenId, Date.now());
    await this.events.record({
      user: principal,
      email: principal.email,
      ip: client.ip,
      userAgent: client.userAgent,
      route: client.route,
      channel: 'api',
      result: 'succeeded',
      reason: '',
    });
    await this.db.updateTable('api_token').set({ last_used_at: new Date() }).where('id', '=', tokenId).execute();
  }

  /**
   * A refused attempt is recorded once per address and channel a minute: a
   * flood of refusals must not flood the LOGINS stream (its failures before
   * the refusal are each recorded).
   */
  private async recordRefusal(attempt: LoginAttempt) {
    const key = `${attempt.channel}:${attempt.ip}`;
    if (Date.now() - (this.refusalLoggedAt.get(key) ?? 0) < 60_000) return;
    this.refusalLoggedAt.set(key, Date.now());
    if (this.refusalLoggedAt.size > 10_000) this.refusalLoggedAt.clear();
    await this.events.record(attempt);
  }

  private client(req: Request) {
    const { ip, peerIp, forwardedFor } = this.settings.clientRoute(req);
    req.clientIp = ip;
    return { ip, userAgent: String(req.headers['user-agent'] ?? '').slice(0, 512), route: { peerIp, forwardedFor } };
  }
}

function blocked(block: Parameters<typeof blockedMessage>[0]): HttpException {
  const retryAfterSeconds = Math.max(1, Math.ceil((block.blockedUntil.getTime() - Date.now()) / 1000));
  return new HttpException(
    { statusCode: 429, message: blockedMessage(block), retryAfterSeconds, blockedUntil: block.blockedUntil.toISOString() },
    HttpStatus.TOO_MANY_REQUESTS,
  );
}

function tooManyAttempts(retryAfterSeconds: number): HttpException {
  return new HttpException(
    { statusCode: 429, message: `too many failed sign-ins; try again in ${retryAfterSeconds} s`, retryAfterSeconds },
    HttpStatus.TOO_MANY_REQUESTS,
  );
}
