import { Controller, Get, Inject, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import type { Principal } from '../auth/principal';
import { AuthService } from '../auth/auth.service';
import { LiveHub, type StampedNotice } from './live-hub';

export const LIVE_HEARTBEAT_MS = Symbol('LIVE_HEARTBEAT_MS');

const visibleTo = (principal: Principal) => (notice: StampedNotice) =>
  principal.role === 'admin' || notice.resource === '*' || notice.ownerId === principal.id;

/** GET /api/live: Server-Sent Events of `{resource, id, change}`, only what the caller may see, with heartbeats and Last-Event-ID resume. */
@Controller('api/live')
export class LiveController {
  constructor(
    @Inject(LiveHub) private readonly hub: LiveHub,
    @Inject(AuthService) private readonly auth: AuthService,
    @Inject(LIVE_HEARTBEAT_MS) private readonly heartbeatMs: number,
  ) {}

  @Get()
  stream(@Req() req: Request, @Res() res: Response) {
    const visible = visibleTo(req.principal!);
    res.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-cache, no-transform',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
    });
    res.write('retry: 2000\n\n');
    const send = (notice: StampedNotice) => {
      if (!visible(notice)) return;
      const { resource, id, change } = notice;
      res.write(`id: ${notice.eventId}\nevent: change\ndata: ${JSON.stringify({ resource, id, change })}\n\n`);
    };
    const lastEventId = String(req.headers['last-event-id'] ?? req.query.lastEventId ?? '') || undefined;
    const { missed, unsubscribe } = this.hub.subscribe(send, lastEventId);
    missed.forEach(send);
    // Each heartbeat re-checks the caller: a stream ends with its session (logout, expiry, account disabled).
    const heartbeat = setInterval(() => {
      this.auth.authenticate(req).then(
        () => res.write(': heartbeat\n\n'),
        () => res.end(),
      );
    }, this.heartbeatMs);
    req.on('close', () => {
      clearInterval(heartbeat);
      unsubscribe();
    });
  }
}
