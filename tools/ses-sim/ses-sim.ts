import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, request as httpRequest, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One email as aws-ses-v2-local keeps it (GET /store). */
export interface ReceivedEmail {
  messageId: string;
  from: string;
  replyTo: string[];
  destination: { to: string[]; cc: string[]; bcc: string[] };
  subject: string;
  body: { html?: string; text?: string };
  /** Unix seconds. */
  at: number;
}

export type SesFault =
  /** 429 TooManyRequestsException ("Maximum sending rate exceeded."), as SES throttles. */
  | { mode: 'throttle'; count?: number }
  /** 503 ServiceUnavailable: a provider outage. */
  | { mode: 'unavailable'; count?: number }
  /** The connection closes without an answer. */
  | { mode: 'drop'; count?: number }
  /** 400 MessageRejected for this recipient (an unverified address in the SES sandbox, a suppressed one). */
  | { mode: 'reject'; address: string; count?: number }
  /** 403 UnrecognizedClientException whatever the credentials: a revoked key. */
  | { mode: 'bad-credentials'; count?: number };

export interface SesSimOptions {
  /** The access key and secret the simulated SES accepts; a request signed with others is refused as SES refuses it. */
  accessKeyId: string;
  secretAccessKey: string;
  host?: string;
  /** 0 (default) picks a free port. */
  port?: number;
}

const SEND_PATH = '/v2/email/outbound-emails';

/**
 * A real SES v2 endpoint for development and tests: aws-ses-v2-local (which
 * implements the API and keeps what it received) behind a proxy that does
 * what aws-ses-v2-local does not. The proxy checks the AWS Signature V4 of
 * every API call against the configured credentials (an unknown key is 403
 * UnrecognizedClientException, a wrong secret 403 SignatureDoesNotMatch),
 * answers errors the way SES does (x-amzn-ErrorType), and takes faults
 * through POST /_sim/faults, as the other simulators do. What was received
 * is read back from aws-ses-v2-local itself (`received()`, or GET /store).
 *
 * aws-ses-v2-local keeps its store in its module: simulators in one process
 * share it, so a test reads back by its own recipients.
 */
export class SesSim {
  private upstream: Server | undefined;
  private proxy: Server | undefined;
  private faults: SesFault[] = [];
  /** SendEmail calls that reached the proxy (faulted or not), for counting attempts. */
  readonly calls: { to: string[]; status: number; at: Date }[] = [];

  constructor(private readonly options: SesSimOptions) {}

  async start(): Promise<{ url: string }> {
    const host = this.options.host ?? '127.0.0.1';
    const mod = (await import('aws-ses-v2-local')) as unknown as { default: unknown };
    // CommonJS with an `exports.default`: under Node's ESM loader the function sits one level down.
    const serve = (typeof mod.default === 'function' ? mod.default : (mod.default as { default: unknown }).default) as (config: {
      host: string;
      port: number;
    }) => Promise<Server>;
    this.upstream = await serve({ host: '127.0.0.1', port: 0 });
    this.proxy = createServer((req, res) => void this.route(req, res));
    await new Promise<void>((resolve) => this.proxy!.listen(this.options.port ?? 0, host, resolve));
    return { url: this.url };
  }

  get url(): string {
    return `http://127.0.0.1:${(this.proxy!.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    for (const server of [this.proxy, this.upstream]) {
      server?.closeAllConnections();
      await new Promise((resolve) => server?.close(resolve));
    }
  }

  addFault(fault: SesFault): void {
    this.faults.push({ ...fault });
  }

  clearFaults(): void {
    this.faults = [];
  }

  /** Every email aws-ses-v2-local holds (all simulators of this process), oldest first. */
  async received(): Promise<ReceivedEmail[]> {
    const res = await fetch(`${this.upstreamUrl}/store`);
    return ((await res.json()) as { emails: ReceivedEmail[] }).emails;
  }

  private get upstreamUrl(): string {
    return `http://127.0.0.1:${(this.upstream!.address() as AddressInfo).port}`;
  }

  private async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://ses');
    try {
      const body = await readBody(req);
      if (url.pathname === '/_sim/faults') return this.controlFaults(req.method, body, res);
      if (url.pathname === '/_sim/received' && req.method === 'GET') return json(res, 200, { emails: await this.received() });
      // The API (everything under /v2/) is signed; the viewer at / and /store are not, as in aws-ses-v2-local.
      if (url.pathname.startsWith('/v2/')) {
        const refusal = this.checkSignature(req, url, body);
        if (refusal) return sesError(res, refusal.status, refusal.type, refusal.message);
      }
      if (url.pathname === SEND_PATH && req.method === 'POST') return await this.send(req, body, res);
      return await this.forward(req, body, res);
    } catch (error) {
      sesError(res, 500, 'InternalFailure', (error as Error).message);
    }
  }

  private async send(req: IncomingMessage, body: Buffer, res: ServerResponse): Promise<void> {
    const input = parseJson(body) as { Destination?: { ToAddresses?: string[]; CcAddresses?: string[]; BccAddresses?: string[] } };
    const to = [
      ...(input.Destination?.ToAddresses ?? []),
      ...(input.Destination?.CcAddresses ?? []),
      ...(input.Destination?.BccAddresses ?? []),
    ];
    const record = (status: number) => this.calls.push({ to, status, at: new Date() });
    const fault = this.takeFault(to);
    switch (fault?.mode) {
      case 'drop':
        record(0);
        return void req.socket.destroy();
      case 'throttle':
        record(429);
        return sesError(res, 429, 'TooManyRequestsException', 'Maximum sending rate exceeded.');
      case 'unavailable':
        record(503);
        return sesError(res, 503, 'ServiceUnavailable', 'Service is unavailable. Try again later.');
      case 'bad-credentials':
        record(403);
        return sesError(res, 403, 'UnrecognizedClientException', 'The security token included in the request is invalid.');
      case 'reject':
        record(400);
        return sesError(
          res,
          400,
          'MessageRejected',
          `Email address is not verified. The following identities failed the check in region US-EAST-1: ${fault.address}`,
        );
      default:
        return this.forward(req, body, res, record);
    }
  }

  /** Passes the request to aws-ses-v2-local; its bare 400s become SES's BadRequestException. */
  private forward(req: IncomingMessage, body: Buffer, res: ServerResponse, record?: (status: number) => void): Promise<void> {
    return new Promise((resolve, reject) => {
      const upstream = httpRequest(
        `${this.upstreamUrl}${req.url ?? '/'}`,
        { method: req.method, headers: { ...req.headers, host: new URL(this.upstreamUrl).host } },
        (answer) => {
          const chunks: Buffer[] = [];
          answer.on('data', (c: Buffer) => chunks.push(c));
          answer.on('end', () => {
            const status = answer.statusCode ?? 502;
            record?.(status);
            const payload = Buffer.concat(chunks);
            if (status >= 400 && req.url?.startsWith('/v2/')) {
              const parsed = parseJsonOr(payload) as { message?: string; detail?: string } | undefined;
              const message = [parsed?.message, parsed?.detail].filter(Boolean).join(': ') || payload.toString('utf8');
              sesError(res, status, status === 404 ? 'NotFoundException' : 'BadRequestException', message);
            } else {
              res.writeHead(status, answer.headers).end(payload);
            }
            resolve();
          });
          answer.on('error', reject);
        },
      );
      upstream.on('error', reject);
      upstream.end(body);
    });
  }

  private controlFaults(method: string | undefined, body: Buffer, res: ServerResponse) {
    if (method === 'DELETE') return void (this.clearFaults(), json(res, 200, { faults: [] }));
    if (method === 'GET') return json(res, 200, { faults: this.faults });
    if (method !== 'POST') return json(res, 405, { error: 'POST, GET or DELETE' });
    const input = (parseJsonOr(body) ?? {}) as Record<string, unknown>;
    const modes = ['throttle', 'unavailable', 'drop', 'reject', 'bad-credentials'];
    if (!modes.includes(input.mode as string)) return json(res, 400, { error: `mode: one of ${modes.join(', ')}` });
    if (input.count !== undefined && !(Number.isInteger(input.count) && (input.count as number) > 0))
      return json(res, 400, { error: 'count: a positive integer' });
    if (input.mode === 'reject' && (typeof input.address !== 'string' || !input.address.includes('@')))
      return json(res, 400, { error: 'address: the recipient to reject' });
    const fault = {
      mode: input.mode,
      ...(input.count ? { count: input.count } : {}),
      ...(input.address ? { address: input.address } : {}),
    };
    this.addFault(fault as SesFault);
    json(res, 201, { fault });
  }

  /** The first fault that applies to these recipients; a counted one is used up. */
  private takeFault(to: string[]): SesFault | undefined {
    const index = this.faults.findIndex((f) => f.mode !== 'reject' || to.some((a) => a.toLowerCase() === f.address.toLowerCase()));
    const fault = this.faults[index];
    if (fault?.count !== undefined && --fault.count <= 0) this.faults.splice(index, 1);
    return fault;
  }

  /** AWS Signature Version 4, checked as SES checks it: the key must be known and the signature must match. */
  private checkSignature(req: IncomingMessage, url: URL, body: Buffer): { status: number; type: string; message: string } | undefined {
    const header = req.headers.authorization ?? '';
    const parsed =
      /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, ?SignedHeaders=([^,]+), ?Signature=([0-9a-f]{64})$/.exec(
        header,
      );
    if (!parsed) return { status: 403, type: 'MissingAuthenticationTokenException', message: 'Missing Authentication Token' };
    const [, keyId, date, region, service, signedHeaders, signature] = parsed as unknown as string[];
    if (keyId !== this.options.accessKeyId)
      return { status: 403, type: 'UnrecognizedClientException', message: 'The security token included in the request is invalid.' };
    const amzDate = String(req.headers['x-amz-date'] ?? '');
    const names = signedHeaders!.split(';');
    const canonicalHeaders = names.map((name) => `${name}:${headerValue(req, name)}\n`).join('');
    const payloadHash = String(req.headers['x-amz-content-sha256'] ?? sha256(body));
    const query = [...url.searchParams.entries()]
      .map(([k, v]) => [encodeRfc3986(k), encodeRfc3986(v)])
      .sort(([a, x], [b, y]) => (a! < b! ? -1 : a! > b! ? 1 : x! < y! ? -1 : 1))
      .map(([k, v]) => `${k}=${v}`)
      .join('&');
    const canonicalRequest = [req.method, canonicalPath(url.pathname), query, canonicalHeaders, signedHeaders, payloadHash].join('\n');
    const scope = `${date}/${region}/${service}/aws4_request`;
    const stringToSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256(Buffer.from(canonicalRequest))].join('\n');
    let key: Buffer = Buffer.from(`AWS4${this.options.secretAccessKey}`);
    for (const part of [date!, region!, service!, 'aws4_request']) key = hmac(key, part);
    const expected = hmac(key, stringToSign).toString('hex');
    if (!timingSafeEqual(Buffer.from(expected), Buffer.from(signature!)))
      return {
        status: 403,
        type: 'SignatureDoesNotMatch',
        message:
          'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method.',
      };
    return undefined;
  }
}

const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');
const hmac = (key: Buffer, data: string) => createHmac('sha256', key).update(data, 'utf8').digest();
const encodeRfc3986 = (s: string) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
/** Each path segment URI-encoded once, as the SDK signs it (the path arrives encoded already). */
const canonicalPath = (path: string) =>
  path
    .split('/')
    .map((segment) => encodeRfc3986(decodeURIComponent(segment)))
    .join('/');

function headerValue(req: IncomingMessage, name: string): string {
  const value = req.headers[name];
  return (Array.isArray(value) ? value.join(',') : (value ?? '')).trim().replace(/\s+/g, ' ');
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > 26_214_400) throw new Error('body too large');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

function parseJson(body: Buffer): unknown {
  return body.length ? JSON.parse(body.toString('utf8')) : {};
}

function parseJsonOr(body: Buffer): unknown {
  try {
    return parseJson(body);
  } catch {
    return undefined;
  }
}

/** An error as SES v2 answers it: the type in x-amzn-ErrorType (what the AWS SDK reads as the error's name) and a message. */
function sesError(res: ServerResponse, status: number, type: string, message: string) {
  res
    .writeHead(status, { 'content-type': 'application/json', 'x-amzn-errortype': type, 'x-amzn-requestid': crypto.randomUUID() })
    .end(JSON.stringify({ message }));
}

function json(res: ServerResponse, status: number, value: unknown) {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(value));
}
