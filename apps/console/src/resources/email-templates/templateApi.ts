import { apiFetch } from '../../apiFetch';

export interface TemplateToken {
  path: string;
  description: string;
  sampleJson: string;
}

export interface TemplateRecord {
  id: string;
  name: string;
  description: string;
  origin: 'default' | 'custom';
  version: number;
  subject: string;
  html?: string;
  tokens?: TemplateToken[];
  resettable?: boolean;
  updatedAt: string;
  updatedBy: string;
}

/** A refusal from the gateway or the email service: the field, the rule, and (for a template) where. */
export interface Violation {
  field: string;
  rule: string;
  message: string;
  line?: number;
  column?: number;
}

export interface ApiAnswer<T> {
  ok: boolean;
  status: number;
  body: T & { message?: string; violations?: Violation[] };
}

export async function call<T = Record<string, unknown>>(method: string, path: string, body?: unknown): Promise<ApiAnswer<T>> {
  const res = await apiFetch(path, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { ok: res.ok, status: res.status, body: (await res.json().catch(() => ({}))) as ApiAnswer<T>['body'] };
}

export const templatePath = (name: string) => `/api/email-templates/${encodeURIComponent(name)}`;

/** Tokens as an operator writes them for a custom template: `{"user.name": "Ada"}` (path → sample). */
export function tokensToJson(tokens: readonly TemplateToken[]): string {
  return JSON.stringify(Object.fromEntries(tokens.map((t) => [t.path, JSON.parse(t.sampleJson) as unknown])), null, 2);
}

export function tokensFromJson(text: string): TemplateToken[] | Violation {
  try {
    const parsed = JSON.parse(text || '{}') as unknown;
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed))
      return { field: 'tokens', rule: 'json', message: 'must be a JSON object of token → sample, e.g. {"user.name": "Ada"}' };
    return Object.entries(parsed).map(([path, sample]) => ({ path, description: '', sampleJson: JSON.stringify(sample) }));
  } catch (error) {
    return { field: 'tokens', rule: 'json', message: `is not JSON: ${(error as Error).message}` };
  }
}

/** What a Send test answered, in a sentence. */
export function describeTestResult(result: {
  status: string;
  to: string;
  providerCode?: string | null;
  providerMessage?: string | null;
  responseCode?: number | null;
  providerMessageId?: string | null;
}) {
  if (result.status === 'sent') return `Sent to ${result.to} (provider message ${result.providerMessageId}).`;
  if (result.status === 'failed')
    return `Not sent to ${result.to}: ${result.providerCode}${result.responseCode ? ` (${result.responseCode})` : ''} — ${result.providerMessage}`;
  if (result.status === 'retrying')
    return `The provider refused it for now (${result.providerCode ?? 'transient'}); it is being retried — see the Email Log.`;
  return `Queued for ${result.to}; no answer from the provider yet — see the Email Log.`;
}
