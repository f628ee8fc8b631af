import { type BeforeApplicationShutdown, Controller, Get, HttpException, HttpStatus, Inject, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import type { Principal } from '../auth/principal';
import { AuthService } from '../auth/auth.service';
import { SESSION_COOKIE } from '../auth/sessions';
import { LiveHub, type StampedNotice } from './live-hub';

export const LIVE_HEARTBEAT_MS = Symbol('LIVE_HEARTBEAT_MS');
export const LIVE_MAX_STREAMS_PER_USER = Symbol('LIVE_MAX_STREAMS_PER_USER');

/** What a request is signed in with (its bearer token or its session cookie): streams with the same share a re-check. */
const credentialOf = (req: Request) =>
  req.headers.authorization ?? `cookie:${(req.cookies as Record<string, string> | undefined)?.[SESSION_COOKIE] ?? ''}`;

const visibleTo = (principal: Principal) => (notice: StampedNotice) =>
  principal.role === 'admin' || notice.resource === '*' || notice.ownerId === principal.id;

const SSE_HEADERS = {
  'Content-Type': 'text/event-stream; charset=utf-8',
  'Cache-Control': 'no-cache, no-transform',
  Connection: 'keep-alive',
  'X-Accel-Buffering': 'no',
};

/** SSE text as the bytes of one write: an HTTP/1.1 chunk when the response is chunked, else as it is. */
function framed(text: string, chunked: boolean): Buffer {
  const body = Buffer.from(text);
  return chunked ? Buffer.concat([Buffer.from(`${body.length.toString(16)}\r\n`), body, Buffer.from('\r\n')]) : body;
}
const HEARTBEAT: readonly [Buffer, Buffer] = [framed(': heartbeat\n\n', false), framed(': heartbeat\n\n', true)];

/** Each notice's bytes, made once (twice at most: chunked or not) however many streams it goes to. */
const frames = new WeakMap<StampedNotice, [Buffer?, Buffer?]>();
function frameOf(notice: StampedNotice, chunked: boolean): Buffer {
  let made = frames.get(notice);
  if (!made) frames.set(notice, (made = []));
  const { resource, id, change } = notice;
  return (made[Number(chunked)] ??= framed(
    `id: ${notice.eventId}\nevent: change\ndata: ${JSON.stringify({ resource, id, change })}\n\n`,
    chunked,
  ));
}

/** GET /api/live: Server-Sent Events of `{resource, id, change}`, only what the caller may see, with heartbeats and Last-Event-ID resume. */
@Controller('api/live')
export class LiveController implements BeforeApplicationShutdown {
  /** Every open stream's way to end itself: on shutdown they end first, or the HTTP server would wait for them for ever. */
  private readonly open = new Set<() => void>();
  /** Open streams per account (on this replica). */
  private readonly perUser = new Map<string, number>();
  /** The latest re-check of each credential, shared by its streams for one heartbeat's time. */
  private readonly rechecks = new Map<string, { at: number; check: Promise<unknown> }>();

  constructor(
    @Inject(LiveHub) private readonly hub: LiveHub,
    @Inject(AuthService) private readonly auth: AuthService,
    @Inject(LIVE_HEARTBEAT_MS) private readonly heartbeatMs: number,
    @Inject(LIVE_MAX_STREAMS_PER_USER) private readonly maxStreamsPerUser: number,
  ) {}

  @Get()
  stream(@Req() req: Request, @Res() res: Response) {
    const principal = req.principal!;
    // HEAD (Express routes it here) gets the headers only: no body will follow them, so no stream is opened.
    if (req.method === 'HEAD') return void res.writeHead(200, SSE_HEADERS).end();
    // Each stream holds a connection and a place in the fan-out: one account cannot open them without bound.
    const held = this.perUser.get(principal.id) ?? 0;
    if (held >= this.maxStreamsPerUser) {
      throw new HttpException(
        { statusCode: 429, message: `this account already has ${held} live streams open (at most ${this.maxStreamsPerUser}): close a tab` },
        HttpStatus.TOO_MANY_REQUESTS,
      );
    }
    this.perUser.set(principal.id, held + 1);
    const visible = visibleTo(principal);
    res.writeHead(200, SSE_HEADERS);
    res.write('retry: 2000\n\n');
    // After the headers, the stream's bytes go straight to the socket, framed here: a notice reaches ten thousand
    // streams in one loop, and through res.write each stream's chunk waited, corked, for the next tick, so a whole
    // notice's writes outlived a scavenge and went to the old generation (at 10,000 streams the gateway grew from 365 to
    // 650-750 MB over 50 notices).
    const chunked = (res as unknown as { chunkedEncoding: boolean }).chunkedEncoding;
    let ended = false;
    const write = (bytesOf: (chunked: boolean) => Buffer) => {
      if (ended || res.writableEnded) return;
      const socket = res.socket;
      if (socket?.writable) socket.write(bytesOf(chunked));
      // A pipelined response has no socket until the one before it is done: http queues it, and frames it.
      else if (!socket) res.write(bytesOf(false));
    };
    const send = (notice: StampedNotice) => {
      if (visible(notice)) write((asChunk) => frameOf(notice, asChunk));
    };
    const lastEventId = String(req.headers['last-event-id'] ?? req.query.lastEventId ?? '') || undefined;
    const { missed, unsubscribe } = this.hub.subscribe(send, lastEventId);
    missed.forEach(send);
    // Each heartbeat re-checks the caller: a stream ends with its session (logout, expiry, account disabled). The
    // check is a database query: the streams of one credential share one for a heartbeat's time.
    const heartbeat = setInterval(() => {
      this.recheck(req).then(
        () => write((asChunk) => HEARTBEAT[asChunk ? 1 : 0]),
        () => end(),
      );
    }, this.heartbeatMs);
    const end = () => {
      if (ended) return;
      ended = true;
      clearInterval(heartbeat);
      unsubscribe();
      this.open.delete(end);
      const left = (this.perUser.get(principal.id) ?? 1) - 1;
      if (left > 0) this.perUser.set(principal.id, left);
      else this.perUser.delete(principal.id);
      res.end();
    };
    this.open.add(end);
    req.on('close', end);
  }

  private recheck(req: Request): Promise<unknown> {
    const key = credentialOf(req);
    const now = Date.now();
    const recent = this.rechecks.get(key);
    if (recent && now - recent.at < this.heartbeatMs) return recent.check;
    const check = this.auth.authenticate(req);
    this.rechecks.set(key, { at: now, check });
    // Old entries go once the map grows: a credential not seen for a heartbeat would be checked again anyway.
    if (this.rechecks.size > 10_000) {
      for (const [k, v] of this.rechecks) if (now - v.at >= this.heartbeatMs) this.rechecks.delete(k);
    }
    return check;
  }

  /** Runs before the HTTP server closes: a browser's EventSource reconnects (to another replica) after `retry`. */
  beforeApplicationShutdown() {
    for (const end of [...this.open]) end();
  }
}
