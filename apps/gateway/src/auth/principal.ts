import type { Role } from './identity-tables';

/** Who is calling: resolved from the session cookie or the bearer token on every /api request. */
export interface Principal {
  id: string;
  email: string;
  name: string;
  role: Role;
  via: 'session' | 'token';
}

declare module 'express-serve-static-core' {
  interface Request {
    principal?: Principal;
    clientIp?: string;
  }
}
