import 'reflect-metadata';
import { Module, type Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { contextSchema } from '@opsledger/db';
import { loadConfig } from '@opsledger/telemetry';
import type { TestDatabase, TestNats } from '@opsledger/testing';
import { type Kysely, sql } from 'kysely';
import { configureGatewayHttp } from '../api/http-setup';
import { createAccount } from '../auth/accounts';
import type { IdentityTables } from '../auth/identity-tables';
import { identityMigrations } from '../auth/identity.migrations';
import { gatewayConfigSchema } from '../gateway.config';
import { GatewayModule } from '../gateway.module';
import { migrateToLatest } from '@opsledger/db';

/**
 * A gateway in this process on the test's own prefix (streams and schemas),
 * on a free port; `contexts` are context modules added beside the built-in
 * ones, exactly as gateway.module.ts lists them.
 */
export async function startTestGateway(pg: TestDatabase, nats: TestNats, env: Record<string, string> = {}, contexts: Type[] = []) {
  process.env.LOG_LEVEL ??= 'warn';
  const config = loadConfig(gatewayConfigSchema, {
    DATABASE_URL: process.env.DATABASE_URL,
    NATS_URL: nats.url,
    OPSLEDGER_PREFIX: nats.prefix,
    LOG_LEVEL: 'warn',
    ...env,
  });
  @Module({ imports: [GatewayModule.forRoot(config), ...contexts] })
  class TestGatewayRoot {}
  const app = await NestFactory.create(contexts.length ? TestGatewayRoot : GatewayModule.forRoot(config), {
    logger: ['error'],
    bodyParser: false,
  });
  configureGatewayHttp(app);
  await app.listen(0, '127.0.0.1');
  const url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  return { app, url, close: () => app.close() };
}

export async function identityDb(pg: TestDatabase, prefix: string): Promise<Kysely<IdentityTables>> {
  const schema = contextSchema('identity', prefix);
  await migrateToLatest(pg.db, schema, identityMigrations(schema));
  return pg.db.withSchema(schema) as Kysely<IdentityTables>;
}

export async function seedAccounts(db: Kysely<IdentityTables>) {
  const password = 'correct-horse-battery';
  const admin = await createAccount(db, { email: 'admin@example.test', name: 'Admin', role: 'admin', password });
  const alice = await createAccount(db, { email: 'alice@example.test', name: 'Alice', role: 'customer', password });
  const bob = await createAccount(db, { email: 'bob@example.test', name: 'Bob', role: 'customer', password });
  return { password, admin, alice, bob };
}

/** Drops every schema made for this prefix (`<prefix>_<context>`, the gateway's and the services'), whichever contexts exist. */
export async function dropContextSchemas(pg: TestDatabase, prefix: string) {
  if (!prefix) throw new Error('dropContextSchemas needs a test prefix: an empty one would match every schema');
  const { rows } = await sql<{ name: string }>`
    select nspname as name from pg_namespace where starts_with(nspname, ${`${prefix}_`})`.execute(pg.db);
  for (const { name } of rows) await sql`drop schema if exists ${sql.id(name)} cascade`.execute(pg.db);
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
