import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { contextSchema } from '@opsledger/db';
import { loadConfig } from '@opsledger/telemetry';
import type { TestDatabase, TestNats } from '@opsledger/testing';
import cookieParser from 'cookie-parser';
import { type Kysely, sql } from 'kysely';
import { createAccount } from '../auth/accounts';
import type { IdentityTables } from '../auth/identity-tables';
import { identityMigrations } from '../auth/identity.migrations';
import { gatewayConfigSchema } from '../gateway.config';
import { GatewayModule } from '../gateway.module';
import { migrateToLatest } from '@opsledger/db';

/** A gateway in this process on the test's own prefix (streams and schemas), on a free port. */
export async function startTestGateway(pg: TestDatabase, nats: TestNats, env: Record<string, string> = {}) {
  process.env.LOG_LEVEL ??= 'warn';
  const config = loadConfig(gatewayConfigSchema, {
    DATABASE_URL: process.env.DATABASE_URL,
    NATS_URL: nats.url,
    OPSLEDGER_PREFIX: nats.prefix,
    LOG_LEVEL: 'warn',
    ...env,
  });
  const app = await NestFactory.create(GatewayModule.forRoot(config), { logger: ['error'] });
  app.getHttpAdapter().getInstance().set('case sensitive routing', true);
  app.use(cookieParser());
  await app.listen(0, '127.0.0.1');
  const url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  return { app, url, close: () => app.close() };
}

export async function identityDb(pg: TestDatabase, prefix: string): Promise<Kysely<IdentityTables>> {
  const schema = contextSchema('identity', prefix);
  await migrateToLatest(pg.db, schema, identityMigrations);
  return pg.db.withSchema(schema) as Kysely<IdentityTables>;
}

export async function seedAccounts(db: Kysely<IdentityTables>) {
  const password = 'correct-horse-battery';
  const admin = await createAccount(db, { email: 'admin@example.test', name: 'Admin', role: 'admin', password });
  const alice = await createAccount(db, { email: 'alice@example.test', name: 'Alice', role: 'customer', password });
  const bob = await createAccount(db, { email: 'bob@example.test', name: 'Bob', role: 'customer', password });
  return { password, admin, alice, bob };
}

/** Drops the schemas the gateway created for this prefix. */
export async function dropContextSchemas(pg: TestDatabase, prefix: string) {
  for (const context of ['identity', 'tasks', 'tasks_service', 'provisioning', 'provisioning_service'])
    await sql`drop schema if exists ${sql.id(contextSchema(context, prefix))} cascade`.execute(pg.db);
}

/** Signs in and returns the session cookie to send back. */
export async function signIn(url: string, email: string, password: string, headers: Record<string, string> = {}) {
  const res = await fetch(`${url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ email, password }),
  });
  const cookie = res.headers.get('set-cookie')?.split(';')[0] ?? '';
  return { res, cookie };
}
