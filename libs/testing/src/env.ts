import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The repository root, for the tools the project installs into .tools/. */
export const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

export const testEnv = {
  databaseUrl: process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
  natsUrl: process.env.NATS_URL ?? 'nats://127.0.0.1:4222',
  natsServerBin:
    process.env.NATS_SERVER_BIN ?? firstExisting(['/usr/sbin/nats-server', '/usr/local/bin/nats-server', '/usr/bin/nats-server']),
  temporalCli: process.env.TEMPORAL_CLI ?? `${repoRoot}.tools/bin/temporal`,
};

function firstExisting(paths: string[]): string {
  return paths.find((p) => existsSync(p)) ?? 'nats-server';
}

/** A short random token, safe in schema names, subjects and stream names. */
export function uniqueToken(): string {
  return `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`;
}
