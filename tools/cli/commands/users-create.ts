import { contextSchema, createDb, migrateToLatest } from '@opsledger/db';
import { createAccount, type IdentityTables, identityMigrations } from '@opsledger/gateway/identity';
import { baseConfigSchema, loadConfigOrExit } from '@opsledger/telemetry';
import type { Kysely } from 'kysely';
import { createInterface } from 'node:readline/promises';
import { parseArgs } from 'node:util';
import { ZodError } from 'zod';

/** `opsledger users create`: the first admin (or any account) without the HTTP server. */
export async function usersCreate(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: { email: { type: 'string' }, name: { type: 'string' }, role: { type: 'string', default: 'admin' } },
  });
  const password = process.env.OPSLEDGER_PASSWORD ?? (await ask('password (at least 12 characters): '));
  const config = loadConfigOrExit(baseConfigSchema);
  const db = createDb<any>({ connectionString: config.DATABASE_URL, max: 1, applicationName: 'opsledger-cli' });
  try {
    const schema = contextSchema('identity', config.OPSLEDGER_PREFIX);
    await migrateToLatest(db, schema, identityMigrations);
    const account = await createAccount(db.withSchema(schema) as Kysely<IdentityTables>, {
      email: values.email ?? '',
      name: values.name ?? '',
      role: values.role as 'admin',
      password,
    });
    console.log(`created ${account.role} ${account.email} (id ${account.id})`);
    return 0;
  } catch (error) {
    if (error instanceof ZodError) {
      for (const issue of error.issues) console.error(`--${issue.path.join('.')}: ${issue.message}`);
      return 65;
    }
    if ((error as { code?: string }).code === '23505') {
      console.error(`--email: an account with that email already exists`);
      return 65;
    }
    throw error;
  } finally {
    await db.destroy();
  }
}

async function ask(prompt: string): Promise<string> {
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return await rl.question(prompt);
  } finally {
    rl.close();
  }
}
