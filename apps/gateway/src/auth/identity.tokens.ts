/** The identity schema's Kysely instance (accounts, sessions, tokens, throttle). */
export const IDENTITY_DB = Symbol('IDENTITY_DB');
