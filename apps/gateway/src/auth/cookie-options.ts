export const AUTH_COOKIE_OPTIONS = Symbol('AUTH_COOKIE_OPTIONS');
export interface CookieOptions {
  /** Secure cookies need HTTPS; on for any deployment, off for the local first look on plain HTTP. */
  secure: boolean;
}
