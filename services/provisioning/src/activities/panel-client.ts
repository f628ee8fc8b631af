import { Agent, request as httpRequest } from 'undici';
import { diagnose, type Diagnosis, type PanelOutcome } from '../domain/failure-diagnosis';
import { redactHeaders, redactJson, scrubSecrets, secretValues } from '../domain/redact';

export interface PanelServer {
  apiUrl: string;
  /** The panel's API token, decrypted only for the call. */
  apiToken: string;
  tlsVerify: boolean;
  timeoutMs: number;
}

export interface PanelRequest {
  method: 'GET' | 'POST' | 'DELETE';
  path: string;
  body?: Record<string, unknown>;
  /** Statuses that answer this call (default: any 2xx); a lookup also takes 404 for an answer. */
  accept?: readonly number[];
}

/** One call as the provisioning log keeps it: secrets redacted (in every string too), everything else as sent and received. */
export interface PanelExchange {
  request: { method: string; url: string; headers: Record<string, string>; body: unknown };
  response: { status: number; body: unknown } | { error: string };
  durationMs: number;
  ok: boolean;
  diagnosis: Diagnosis | undefined;
}

/**
 * Calls the panel once and says what happened: the outcome classified into
 * a diagnosis when it failed, and the request and response as they will be
 * stored (Authorization and secret-named fields redacted).
 */
export async function callPanel(server: PanelServer, request: PanelRequest): Promise<PanelExchange> {
  const url = `${server.apiUrl.replace(/\/$/, '')}${request.path}`;
  const headers = { authorization: `Bearer ${server.apiToken}`, 'content-type': 'application/json', accept: 'application/json' };
  const dispatcher = new Agent({
    connect: { rejectUnauthorized: server.tlsVerify, timeout: server.timeoutMs },
    headersTimeout: server.timeoutMs,
    bodyTimeout: server.timeoutMs,
  });
  // What this call must never leave in the log, in any string: the token and the secrets it sends (the password).
  const secrets = [server.apiToken, ...secretValues(request.body)];
  const stored = {
    method: request.method,
    url: scrubSecrets(url, secrets),
    headers: redactHeaders(headers),
    body: request.body === undefined ? null : redactJson(request.body, secrets),
  };
  const started = performance.now();
  const signal = AbortSignal.timeout(server.timeoutMs);
  let outcome: PanelOutcome;
  let response: PanelExchange['response'];
  try {
    // undici's request, not fetch: fetch refuses the ports browsers block (6000, 6665-6669, 10080, …) with "bad port",
    // a rule for web pages, not for a server calling the URL an admin registered; and it follows redirects, which a
    // panel API has no business sending (a redirect is reported, with its status, rather than followed).
    const res = await httpRequest(url, {
      method: request.method,
      headers,
      body: request.body === undefined ? undefined : JSON.stringify(request.body),
      dispatcher,
      signal,
    });
    // An answer may quote the request (an error page echoing its headers and body): it is scrubbed before anything
    // reads it, the diagnosis included, which quotes the panel's message.
    const body = redactJson(parseBody(await res.body.text()), secrets);
    response = { status: res.statusCode, body };
    outcome = { kind: 'http', status: res.statusCode, body };
  } catch (error) {
    outcome = signal.aborted ? { kind: 'timeout', message: `no answer within ${server.timeoutMs} ms` } : transportOutcome(error, secrets);
    response = { error: outcome.kind === 'http' ? '' : outcome.message };
  } finally {
    await dispatcher.close().catch(() => undefined);
  }
  const ok =
    outcome.kind === 'http' && (request.accept ? request.accept.includes(outcome.status) : outcome.status >= 200 && outcome.status < 300);
  return {
    request: stored,
    response,
    durationMs: Math.round(performance.now() - started),
    ok,
    diagnosis: ok ? undefined : diagnose(outcome),
  };
}

function parseBody(text: string): unknown {
  try {
    return text ? JSON.parse(text) : null;
  } catch {
    return text;
  }
}

/** What a failed call's error means, from Node's and undici's error codes. */
function transportOutcome(error: unknown, secrets: string[]): PanelOutcome {
  const cause = ((error as { cause?: unknown }).cause ?? error) as { code?: string; message?: string; name?: string };
  const code = cause.code ?? '';
  // Some client errors quote the header they could not send: the token never reaches the log that way.
  const message = scrubSecrets(`${code ? `${code}: ` : ''}${cause.message ?? String(error)}`, secrets);
  if (code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'EHOSTUNREACH') return { kind: 'connection_refused', message };
  if (/CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS/.test(code)) return { kind: 'tls_error', message };
  if ((error as { name?: string }).name === 'TimeoutError' || /TIMEOUT/.test(code)) return { kind: 'timeout', message };
  return { kind: 'connection_dropped', message };
}
