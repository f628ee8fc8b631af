// The gateway's public entry for tools (the CLI, the first-look seed): accounts without the HTTP server.
export { createAccount, ensureAccount, findAccountByEmail, newAccountSchema, type NewAccount, passwordSchema } from './auth/accounts';
export { AccountCommands, type AccountChange, type ChangeContext } from './auth/account-commands';
export { AccountEvents, type AccountCreatedBy } from './auth/account-events';
export { identityMigrations } from './auth/identity.migrations';
export type { IdentityTables } from './auth/identity-tables';
