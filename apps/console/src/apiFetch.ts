/**
 * Every request the console makes to the gateway: the session cookie, and `X-Requested-With`, without which the
 * gateway refuses a change signed in by cookie (its CSRF check: another site cannot add this header).
 */
export function apiFetch(url: string, init: RequestInit = {}): Promise<Response> {
  return fetch(url, { ...init, credentials: 'same-origin', headers: consoleHeaders(init.headers) });
}

/** `headers` with the console's `X-Requested-With` added. */
export function consoleHeaders(headers?: HeadersInit): Headers {
  const result = new Headers(headers);
  result.set('X-Requested-With', 'XMLHttpRequest');
  return result;
}
