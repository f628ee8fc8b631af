/**
 * Secrets never reach the provisioning log: the Authorization header (and
 * any header carrying a key or cookie) and any JSON field whose name says it
 * is a secret (whatever it holds: a string, a list or an object) are replaced,
 * at any depth, before a payload is stored; and the secrets of the call itself
 * (the panel's API token, the account password sent) are cut out of every
 * string stored, so a panel or proxy error page that echoes the request, or a
 * diagnosis quoting it, keeps neither.
 */
export const REDACTED = '[redacted]';

const SECRET_HEADER = /^(authorization|proxy-authorization|cookie|set-cookie|x-api-key|x-auth-token)$/i;
const SECRET_FIELD = /pass(word|wd)?s?$|secret|token|api[_-]?key|private[_-]?key|^auth/i;
/** Shorter values are not cut out of text: replacing every "ab" in a page would ruin it and hide nothing. */
const MIN_SCRUBBED_LENGTH = 4;

export function redactHeaders(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([name, value]) => [name, SECRET_HEADER.test(name) ? REDACTED : value]));
}

export function redactJson(value: unknown, secrets: readonly string[] = []): unknown {
  if (typeof value === 'string') return scrubSecrets(value, secrets);
  if (Array.isArray(value)) return value.map((v) => redactJson(v, secrets));
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([key, v]) => [key, SECRET_FIELD.test(key) && v !== null ? REDACTED : redactJson(v, secrets)]),
    );
  }
  return value;
}

/** `text` with each secret, as written and as URL- or JSON-encoded, replaced by REDACTED. */
export function scrubSecrets(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) {
    if (secret.length < MIN_SCRUBBED_LENGTH) continue;
    for (const form of new Set([secret, encodeURIComponent(secret), JSON.stringify(secret).slice(1, -1)])) {
      out = out.replaceAll(form, REDACTED);
    }
  }
  return out;
}

/** The string values under secret-named fields of a payload we send (e.g. the account password), to scrub from what comes back. */
export function secretValues(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(secretValues);
  if (value && typeof value === 'object') {
    return Object.entries(value).flatMap(([key, v]) =>
      SECRET_FIELD.test(key) ? (typeof v === 'string' ? [v] : allStrings(v)) : secretValues(v),
    );
  }
  return [];
}

function allStrings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (value && typeof value === 'object') return Object.values(value).flatMap(allStrings);
  return [];
}
