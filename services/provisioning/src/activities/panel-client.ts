import { Agent, fetch as undiciFetch } from 'undici';
import { diagnose, type Diagnosis, type PanelOutcome } from '../domain/failure-diagnosis';
import { REDACTED, redactHeaders, redactJson } from '../domain/redact';

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

/** One call as the provisioning log keeps it: secrets redacted, everything else as sent and received. */
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
  const stored = {
    method: request.method,
    url,
    headers: redactHeaders(headers),
    body: request.body === undefined ? null : redactJson(request.body),
  };
  const started = performance.now();
  let outcome: PanelOutcome;
  let response: PanelExchange['response'];
  try {
    const res = await undiciFetch(url, {
      method: request.method,
      headers,
      body: request.body === undefined ? undefined : JSON.stringify(request.body),
      dispatcher,
      signal: AbortSignal.timeout(server.timeoutMs),
    });
    const text = await res.text();
    const body = parseBody(text);
    response = { status: res.status, body: redactJson(body) };
    outcome = { kind: 'http', status: res.status, body };
  } catch (error) {
    outcome = transportOutcome(error, server.apiToken);
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
function transportOutcome(error: unknown, token: string): PanelOutcome {
  const cause = ((error as { cause?: unknown }).cause ?? error) as { code?: string; message?: string; name?: string };
  const code = cause.code ?? '';
  // Some client errors quote the header they could not send: the token never reaches the log that way.
  const message = `${code ? `${code}: ` : ''}${cause.message ?? String(error)}`.replaceAll(token, REDACTED);
  if (code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'EHOSTUNREACH') return { kind: 'connection_refused', message };
  if (/CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS/.test(code)) return { kind: 'tls_error', message };
  if ((error as { name?: string }).name === 'TimeoutError' || /TIMEOUT/.test(code)) return { kind: 'timeout', message };
  return { kind: 'connection_dropped', message };
}
