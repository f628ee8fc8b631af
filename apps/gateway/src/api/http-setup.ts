import type { INestApplication } from '@nestjs/common';
import cookieParser from 'cookie-parser';
import express, { type NextFunction, type Request, type Response } from 'express';
import { serverTiming } from './server-timing';

/** The largest JSON body the API reads; every record it takes is far smaller. */
export const JSON_BODY_LIMIT = '100kb';

/**
 * The HTTP layer every gateway shares (the process and the test gateway): its own time on every response
 * (`Server-Timing`), case-sensitive routes, cookies, and JSON bodies only. The app must be created with
 * `bodyParser: false`: Nest's own parsers pass a parse error on to the next error handler, and the console's
 * static middleware answers any error on an /api path with "404 Cannot POST"; and its url-encoded parser lets
 * a cross-site HTML form post to the API.
 */
export function configureGatewayHttp(app: INestApplication): void {
  // `/API/tasks` is not `/api/tasks`: one spelling per route, so nothing is reached by a variant.
  app.getHttpAdapter().getInstance().set('case sensitive routing', true);
  app.use(serverTiming());
  app.use(cookieParser());
  app.use(jsonBodyOnly());
}

const parseJson = express.json({ limit: JSON_BODY_LIMIT, strict: true, type: () => true });

/**
 * A request with a body must say `Content-Type: application/json` (415 otherwise) and hold one JSON object or
 * array (400 saying it is not valid JSON) of at most JSON_BODY_LIMIT (413). The refusal is answered here, so no
 * later middleware can turn it into something else.
 */
export function jsonBodyOnly() {
  return (req: Request, res: Response, next: NextFunction) => {
    if (!hasBody(req)) return next();
    if (!req.is(['application/json', '+json'])) {
      return refuse(
        res,
        415,
        `the body must be JSON, sent as Content-Type: application/json (not ${req.headers['content-type'] ?? 'none'})`,
      );
    }
    parseJson(req, res, (error?: unknown) => {
      if (!error) return next();
      const { type, status, message } = error as { type?: string; status?: number; message?: string };
      if (type === 'entity.parse.failed') return refuse(res, 400, `the body is not valid JSON (an object or an array): ${message}`);
      if (type === 'entity.too.large') return refuse(res, 413, `the body is too large: at most ${JSON_BODY_LIMIT} of JSON`);
      if (status && status >= 400 && status < 500) return refuse(res, status, message ?? 'the body cannot be read');
      next(error);
    });
  };
}

function hasBody(req: Request): boolean {
  return req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0;
}

function refuse(res: Response, status: number, message: string) {
  const error = { 400: 'Bad Request', 413: 'Payload Too Large', 415: 'Unsupported Media Type' }[status] ?? 'Bad Request';
  // The rest of the body is not read: the connection cannot be reused for another request.
  res.status(status).set('Connection', 'close').json({ statusCode: status, error, message });
}
