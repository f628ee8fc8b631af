import { apiFetch } from '../../apiFetch';

export interface UserRecord {
  id: string;
  email: string;
  name: string;
  role: 'admin' | 'customer';
  disabled: boolean;
  createdAt: string;
}

/** A refusal from the gateway: the field and the rule (400), or the rule alone (409: the last admin, a taken email). */
export interface Violation {
  field: string;
  rule: string;
  message: string;
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

export const userPath = (id?: string) => (id ? `/api/users/${encodeURIComponent(id)}` : '/api/users');

/** The refusal as one line: each field and its rule, or the gateway's message. */
export function refusal(answer: ApiAnswer<unknown>): string {
  if (answer.body.violations?.length) return answer.body.violations.map((v) => `${v.field}: ${v.message}`).join('; ');
  return answer.body.message ?? `the gateway answered ${answer.status}`;
}

/** A password to hand over: 18 random bytes in base64url (24 characters), made in the browser. */
export function generatePassword(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(18));
  return btoa(String.fromCharCode(...bytes))
    .replaceAll('+', '-')
    .replaceAll('/', '_');
}
