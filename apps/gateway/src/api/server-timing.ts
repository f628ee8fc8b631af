import type { Request, Response } from 'express';
import responseTime from 'response-time';

const PARTS = Symbol('server-timing parts');

type Timed = Response & { [PARTS]?: string[] };

/** Adds a part (e.g. the database's share) to this response's `Server-Timing` header. */
export function addServerTiming(res: Response, name: string, ms: number, description: string): void {
  ((res as Timed)[PARTS] ??= []).push(`${name};dur=${ms.toFixed(2)};desc="${description}"`);
}

/**
 * `Server-Timing: …, total;dur=<ms>` on every response: the time from the request's arrival to its headers, as the
 * gateway spent it (authentication, reading, writing), beside the parts a handler added. A browser's network panel
 * and the list benchmark read it, so the gateway's own time can be told from the network's and compared with the
 * raw SQL it ran.
 */
export function serverTiming() {
  return responseTime((_req: Request, res: Response, ms: number) => {
    const parts = (res as Timed)[PARTS] ?? [];
    res.setHeader('Server-Timing', [...parts, `total;dur=${ms.toFixed(2)};desc="gateway"`].join(', '));
  });
}
