// The gateway's public entry for tools (the CLI, the first-look seed): accounts without the HTTP server.
export { createAccount, ensureAccount, newAccountSchema, type NewAccount } from './auth/accounts';
export { AccountEvents, type AccountCreatedBy } from './auth/account-events';
export { identityMigrations } from './auth/identity.migrations';
export type { IdentityTables } from './auth/identity-tables';
