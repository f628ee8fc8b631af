import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { eventRegistry } from '@opsledger/contracts';
import { contextSchema, createDb, migrateToLatest } from '@opsledger/db';
import { ensureEventStream, EventStore } from '@opsledger/eventstore';
import { AccountEvents, createAccount, type IdentityTables, identityMigrations } from '@opsledger/gateway/identity';
import { connectNats } from '@opsledger/messaging';
import { baseConfigSchema, loadConfigOrExit } from '@opsledger/telemetry';
import type { Kysely } from 'kysely';
import { hostname, userInfo } from 'node:os';
import { createInterface } from 'node:readline/promises';
import { parseArgs } from 'node:util';
import { ZodError } from 'zod';

/**
 * `opsledger users create`: the first admin (or any account) without the HTTP
 * server. Its AccountCreated goes on the IDENTITY stream (so a customer gets
 * the welcome email), with the OS `user@host` as actor and `cli` as source.
 */
export async function usersCreate(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: { email: { type: 'string' }, name: { type: 'string' }, role: { type: 'string', default: 'admin' } },
  });
  const password = process.env.OPSLEDGER_PASSWORD ?? (await askSecret('password (at least 12 characters): '));
  const config = loadConfigOrExit(baseConfigSchema);
  const db = createDb<any>({ connectionString: config.DATABASE_URL, max: 1, applicationName: 'opsledger-cli' });
  const nc = await connectNats({ url: config.NATS_URL, name: 'opsledger-cli' });
  try {
    const schema = contextSchema('identity', config.OPSLEDGER_PREFIX);
    await migrateToLatest(db, schema, identityMigrations);
    const jsm = await jetstreamManager(nc);
    await ensureEventStream(jsm, 'identity', { prefix: config.OPSLEDGER_PREFIX, replicas: config.STREAM_REPLICAS });
    const events = new AccountEvents(new EventStore(jetstream(nc), jsm, eventRegistry, config.OPSLEDGER_PREFIX), {
      actor: { kind: 'system', id: `${userInfo().username}@${hostname()}` },
      source: 'cli',
    });
    const account = await createAccount(
      db.withSchema(schema) as Kysely<IdentityTables>,
      { email: values.email ?? '', name: values.name ?? '', role: values.role as 'admin', password },
      events,
    );
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
    await nc.close();
    await db.destroy();
  }
}

type SecretInput = NodeJS.ReadableStream & { isTTY?: boolean; setRawMode?: (on: boolean) => unknown };

/**
 * Asks for a secret without showing it: on a terminal the typed characters are read in raw mode and never written
 * back (Backspace corrects, Ctrl-C cancels); from a pipe, the first line is read. readline's question() echoed it.
 */
export async function askSecret(
  prompt: string,
  input: SecretInput = process.stdin,
  output: NodeJS.WritableStream = process.stderr,
): Promise<string> {
  output.write(prompt);
  if (!input.isTTY || !input.setRawMode) {
    const rl = createInterface({ input, terminal: false });
    try {
      for await (const line of rl) return line;
      return '';
    } finally {
      rl.close();
    }
  }
  const setRaw = input.setRawMode.bind(input);
  setRaw(true);
  input.resume();
  return new Promise<string>((resolve, reject) => {
    let value = '';
    const finish = (then: () => void) => {
      input.off('data', onData);
      setRaw(false);
      input.pause();
      output.write('\n');
      then();
    };
    const onData = (chunk: Buffer | string) => {
      for (const ch of chunk.toString()) {
        if (ch === '\r' || ch === '\n') return finish(() => resolve(value));
        if (ch === '\u0003') return finish(() => reject(new Error('cancelled')));
        if (ch === '\u007f' || ch === '\b') value = [...value].slice(0, -1).join('');
        else if (ch >= ' ') value += ch;
      }
    };
    input.on('data', onData);
  });
}
