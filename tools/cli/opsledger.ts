// The operator CLI.
//   opsledger users create --email a@b.c --name "Ada" --role admin   (password from OPSLEDGER_PASSWORD, or typed)
import { contextSchema, createDb, migrateToLatest } from '@opsledger/db';
import { createAccount, type IdentityTables, identityMigrations } from '@opsledger/gateway/identity';
import { baseConfigSchema, loadConfigOrExit } from '@opsledger/telemetry';
import type { Kysely } from 'kysely';
import { createInterface } from 'node:readline/promises';
import { parseArgs } from 'node:util';
import { ZodError } from 'zod';

const USAGE = `usage:
  opsledger users create --email <email> --name <name> --role admin|customer
      The password is read from OPSLEDGER_PASSWORD, or asked for.`;

const [group, action, ...rest] = process.argv.slice(2);
if (group !== 'users' || action !== 'create') {
  console.error(USAGE);
  process.exit(64);
}
const { values } = parseArgs({
  args: rest,
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
} catch (error) {
  if (error instanceof ZodError) {
    for (const issue of error.issues) console.error(`--${issue.path.join('.')}: ${issue.message}`);
    process.exitCode = 65;
  } else if ((error as { code?: string }).code === '23505') {
    console.error(`--email: an account with that email already exists`);
    process.exitCode = 65;
  } else throw error;
} finally {
  await db.destroy();
}

async function ask(prompt: string): Promise<string> {
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return await rl.question(prompt);
  } finally {
    rl.close();
  }
}
