/**
 * Secrets never reach the provisioning log: the Authorization header (and
 * any header carrying a key or cookie) and any JSON field whose name says it
 * is a secret are replaced, at any depth, before a payload is stored.
 */
export const REDACTED = '[redacted]';

const SECRET_HEADER = /^(authorization|proxy-authorization|cookie|set-cookie|x-api-key|x-auth-token)$/i;
const SECRET_FIELD = /pass(word|wd)?s?$|secret|token|api[_-]?key|private[_-]?key|^auth/i;

export function redactHeaders(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([name, value]) => [name, SECRET_HEADER.test(name) ? REDACTED : value]));
}

export function redactJson(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redactJson);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([key, v]) => [
        key,
        SECRET_FIELD.test(key) && v !== null && (typeof v !== 'object' || Array.isArray(v)) ? REDACTED : redactJson(v),
      ]),
    );
  }
  return value;
}
