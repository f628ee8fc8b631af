import { Body, Controller, Get, HttpCode, Inject, Post, Req, Res } from '@nestjs/common';
import { validate } from '@opsledger/messaging';
import type { Request, Response } from 'express';
import { z } from 'zod';
import { Public } from './auth.guard';
import { AuthService } from './auth.service';
import { AUTH_COOKIE_OPTIONS, type CookieOptions } from './cookie-options';
import type { Principal } from './principal';
import { SESSION_COOKIE } from './sessions';

const loginSchema = z.object({
  email: z.string().trim().min(1, 'is required').max(320),
  password: z.string().min(1, 'is required').max(1024),
});

const publicUser = (p: Principal) => ({ id: p.id, email: p.email, name: p.name, role: p.role });

@Controller('api/auth')
export class AuthController {
  constructor(
    @Inject(AuthService) private readonly auth: AuthService,
    @Inject(AUTH_COOKIE_OPTIONS) private readonly cookie: CookieOptions,
  ) {}

  @Public()
  @Post('login')
  @HttpCode(200)
  async login(@Body() body: unknown, @Req() req: Request, @Res({ passthrough: true }) res: Response) {
    const { email, password } = validate(loginSchema, body ?? {});
    const { principal, token, expiresAt } = await this.auth.login(req, email, password);
    res.cookie(SESSION_COOKIE, token, { httpOnly: true, sameSite: 'lax', secure: this.cookie.secure, path: '/', expires: expiresAt });
    return { user: publicUser(principal) };
  }

  @Public()
  @Post('logout')
  @HttpCode(204)
  async logout(@Req() req: Request, @Res({ passthrough: true }) res: Response) {
    const token = (req.cookies as Record<string, string> | undefined)?.[SESSION_COOKIE];
    if (token) await this.auth.logout(token);
    res.clearCookie(SESSION_COOKIE, { path: '/' });
  }

  @Get('me')
  me(@Req() req: Request) {
    return { user: publicUser(req.principal!) };
  }
}
