import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { generate } from 'selfsigned';

export interface PanelAccount {
  domain: string;
  username: string;
  package: string;
  state: 'active' | 'suspended';
  /** The reason the last suspension gave. */
  suspendReason?: string;
}

export interface PanelFault {
  /**
   * `slow`: answer 504 Gateway Time-out after `delayMs`; `drop`: close the
   * connection without an answer; `lost-reply`: do what was asked, then
   * close the connection instead of answering (the work done, the answer lost);
   * `echo`: answer `status` (default 502) with an HTML error page that quotes the
   * request line, every header (Authorization too) and the body, as a
   * misconfigured panel or proxy debug page does.
   */
  mode: 'slow' | 'drop' | 'lost-reply' | 'echo';
  delayMs?: number;
  status?: number;
  /** How many requests it affects; absent: until removed. */
  count?: number;
}

export interface PanelSimOptions {
  /** The API token the panel accepts (Authorization: Bearer …). */
  token: string;
  /** Packages defined on the panel; names are case-sensitive, as on a real panel. */
  packages?: string[];
  host?: string;
  /** 0 (default) picks free ports. */
  httpPort?: number;
  httpsPort?: number;
}

/**
 * A hosting panel's account API, simulated over HTTP and HTTPS. Its
 * failures come from the data, the way a real panel's do: a wrong token is
 * 401, an existing username 422 "account already exists", an unknown
 * package "Package not found", and the HTTPS listener's certificate is
 * self-signed. Slowness (504), dropped connections and an error page that
 * echoes the request are set through POST /_sim/faults.
 */
export class PanelSim {
  readonly accounts = new Map<string, PanelAccount>();
  /** Every account password received, so tests can prove none of them leaked into a log. */
  readonly passwordsReceived: string[] = [];
  private faults: PanelFault[] = [];
  private http: Server | undefined;
  private https: Server | undefined;
  private readonly packages: string[];

  constructor(private readonly options: PanelSimOptions) {
    this.packages = options.packages ?? ['Starter', 'Business', 'Pro'];
  }

  async start(): Promise<{ httpUrl: string; httpsUrl: string }> {
    const host = this.options.host ?? '127.0.0.1';
    const pems = await generate([{ name: 'commonName', value: 'panel.localhost' }], {
      extensions: [
        {
          name: 'subjectAltName',
          altNames: [
            { type: 7, ip: '127.0.0.1' },
            { type: 2, value: 'localhost' },
          ],
        },
      ],
    });
    const handler = (req: IncomingMessage, res: ServerResponse) => void this.route(req, res);
    this.http = createHttpServer(handler);
    this.https = createHttpsServer({ key: pems.private, cert: pems.cert }, handler);
    const ports = [this.options.httpPort ?? 0, this.options.httpsPort ?? 0];
    await Promise.all([this.http, this.https].map((s, i) => new Promise<void>((resolve) => s.listen(ports[i], host, resolve))));
    return { httpUrl: this.httpUrl, httpsUrl: this.httpsUrl };
  }

  get httpUrl(): string {
    return `http://127.0.0.1:${(this.http!.address() as AddressInfo).port}`;
  }

  get httpsUrl(): string {
    return `https://127.0.0.1:${(this.https!.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    for (const server of [this.http, this.https]) {
      server?.closeAllConnections();
      await new Promise((resolve) => server?.close(resolve));
    }
  }

  private async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://panel');
    try {
      if (url.pathname === '/_sim/faults' && req.method === 'POST') return this.addFault(await body(req), res);
      if (url.pathname === '/_sim/faults' && req.method === 'DELETE') return void ((this.faults = []), json(res, 200, { faults: [] }));
      if (url.pathname === '/_sim/accounts' && req.method === 'GET') return json(res, 200, { accounts: [...this.accounts.values()] });

      const fault = this.takeFault();
      if (fault?.mode === 'drop') return void req.socket.destroy();
      if (fault?.mode === 'echo') return await this.echo(req, res, fault.status ?? 502);
      if (fault?.mode === 'slow') {
        await new Promise((resolve) => setTimeout(resolve, fault.delayMs ?? 2_000));
        return void res.writeHead(504, { 'content-type': 'text/html' }).end('<html><body><h1>504 Gateway Time-out</h1></body></html>');
      }
      if (req.headers.authorization !== `Bearer ${this.options.token}`)
        return json(res, 401, { error: 'Access denied: invalid API token' });
      if (fault?.mode === 'lost-reply') return await this.accountApi(req, url, lostReply(req));
      return await this.accountApi(req, url, res);
    } catch (error) {
      json(res, 400, { error: (error as Error).message });
    }
  }

  private async accountApi(req: IncomingMessage, url: URL, res: ServerResponse) {
    if (url.pathname === '/json-api/v1/accounts' && req.method === 'POST') {
      const input = await body(req);
      for (const field of ['domain', 'username', 'password', 'package']) {
        if (typeof input[field] !== 'string' || !input[field]) return json(res, 400, { error: `${field} is required` });
      }
      this.passwordsReceived.push(input.password as string);
      const username = input.username as string;
      if (this.accounts.has(username)) return json(res, 422, { error: 'account already exists', username });
      if (!this.packages.includes(input.package as string)) return json(res, 422, { error: `Package not found: ${String(input.package)}` });
      const account: PanelAccount = { domain: input.domain as string, username, package: input.package as string, state: 'active' };
      this.accounts.set(username, account);
      return json(res, 201, { result: 'ok', account });
    }
    const action = /^\/json-api\/v1\/accounts\/([\w.-]+)(?:\/(suspend|unsuspend))?$/.exec(url.pathname);
    const account = action && this.accounts.get(action[1]!);
    if (!action || !account)
      return json(res, 404, { error: action ? `account ${action[1]} not found` : `no route ${req.method} ${url.pathname}` });
    if (req.method === 'GET' && !action[2]) return json(res, 200, { account });
    if (req.method === 'DELETE' && !action[2]) {
      this.accounts.delete(account.username);
      return json(res, 200, { result: 'ok', terminated: account.username });
    }
    if (req.method === 'POST' && action[2]) {
      account.state = action[2] === 'suspend' ? 'suspended' : 'active';
      if (action[2] === 'suspend') {
        const { reason } = await body(req);
        account.suspendReason = typeof reason === 'string' ? reason : '';
      }
      return json(res, 200, { result: 'ok', account });
    }
    return json(res, 405, { error: `${req.method} not allowed here` });
  }

  /** An error page quoting the whole request; a password in it is remembered like one the account API received. */
  private async echo(req: IncomingMessage, res: ServerResponse, status: number) {
    let raw = '';
    for await (const chunk of req) raw += chunk;
    const password = /"password"\s*:\s*"([^"]*)"/.exec(raw)?.[1];
    if (password) this.passwordsReceived.push(password);
    const headers = Object.entries(req.headers)
      .map(([name, value]) => `${name}: ${String(value)}`)
      .join('\n');
    res
      .writeHead(status, { 'content-type': 'text/html' })
      .end(
        `<html><head><title>${status} Bad Gateway</title></head><body><h1>${status} Bad Gateway</h1>` +
          `<pre>${req.method} ${req.url} HTTP/${req.httpVersion}\n${headers}\n\n${raw}</pre><hr>proxy debug page</body></html>`,
      );
  }

  private addFault(input: Record<string, unknown>, res: ServerResponse) {
    if (input.mode !== 'slow' && input.mode !== 'drop' && input.mode !== 'lost-reply' && input.mode !== 'echo')
      return json(res, 400, { error: 'mode: one of slow, drop, lost-reply, echo' });
    if (
      input.status !== undefined &&
      !(Number.isInteger(input.status) && (input.status as number) >= 400 && (input.status as number) <= 599)
    )
      return json(res, 400, { error: 'status: an HTTP error status (400-599)' });
    if (input.count !== undefined && !(Number.isInteger(input.count) && (input.count as number) > 0))
      return json(res, 400, { error: 'count: a positive integer' });
    const fault: PanelFault = {
      mode: input.mode,
      ...(input.count ? { count: input.count as number } : {}),
      ...(typeof input.delayMs === 'number' ? { delayMs: input.delayMs } : {}),
      ...(typeof input.status === 'number' ? { status: input.status } : {}),
    };
    this.faults.push(fault);
    json(res, 201, { fault });
  }

  private takeFault(): PanelFault | undefined {
    const fault = this.faults[0];
    if (fault?.count !== undefined && --fault.count <= 0) this.faults.shift();
    return fault;
  }
}

async function body(req: IncomingMessage): Promise<Record<string, unknown>> {
  let raw = '';
  for await (const chunk of req) {
    raw += chunk;
    if (raw.length > 65_536) throw new Error('body too large');
  }
  if (!raw) return {};
  const parsed = JSON.parse(raw) as unknown;
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('body must be a JSON object');
  return parsed as Record<string, unknown>;
}

/** A response that is never sent: the connection closes where the answer would go. */
function lostReply(req: IncomingMessage): ServerResponse {
  const close = () => void req.socket.destroy();
  return { writeHead: () => ({ end: close }), end: close } as unknown as ServerResponse;
}

function json(res: ServerResponse, status: number, value: unknown) {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(value));
}
