// `opsledger users create` and `users delete` as an operator runs them: each change is one identity event with the
// operating-system user and host as its actor (`system:<user>@<host>`) and `cli` as its source; refusals name the
// field or the rule and record nothing.
import { eventRegistry, identityV1 } from '@opsledger/contracts';
import { EventStore } from '@opsledger/eventstore';
import { dropContextSchemas, identityDb } from '@opsledger/gateway/testing';
import { createTestDatabase, createTestNats, repoRoot, type TestDatabase, type TestNats, testEnv } from '@opsledger/testing';
import { execFile } from 'node:child_process';
import { hostname, userInfo } from 'node:os';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, it } from 'vitest';

const run = promisify(execFile);
let pg: TestDatabase;
let nats: TestNats;
let store: EventStore;

beforeAll(async () => {
  pg = await createTestDatabase();
  nats = await createTestNats();
  store = new EventStore(nats.js, nats.jsm, eventRegistry, nats.prefix);
});
afterAll(async () => {
  await dropContextSchemas(pg, nats.prefix);
  await nats?.dispose();
  await pg?.dispose();
});

async function opsledger(args: string[], password = 'a-long-enough-password') {
  try {
    const { stdout, stderr } = await run('bash', [`${repoRoot}tools/cli/opsledger.sh`, ...args], {
      env: {
        ...process.env,
        DATABASE_URL: testEnv.databaseUrl,
        NATS_URL: nats.url,
        OPSLEDGER_PREFIX: nats.prefix,
        OPSLEDGER_PASSWORD: password,
      },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

it('records create and delete with the OS user and host as actor and cli as source; refuses the last admin', async () => {
  const asOs = { kind: 'system', id: `${userInfo().username}@${hostname()}` };
  const first = await opsledger(['users', 'create', '--email', 'Root@Example.test', '--name', 'Root', '--role', 'admin']);
  expect(first).toMatchObject({ code: 0, stdout: expect.stringMatching(/^created admin root@example.test \(id /) });
  const second = await opsledger(['users', 'create', '--email', 'ops@example.test', '--name', 'Ops', '--role', 'admin']);
  expect(second.code).toBe(0);
  const db = await identityDb(pg, nats.prefix);
  const ids = Object.fromEntries((await db.selectFrom('user_account').select(['id', 'email']).execute()).map((r) => [r.email, r.id]));

  const taken = await opsledger(['users', 'create', '--email', 'ops@example.test', '--name', 'Ops', '--role', 'admin']);
  expect(taken).toMatchObject({ code: 65, stderr: expect.stringMatching(/^email: an account with ops@example.test already exists/) });
  const weak = await opsledger(['users', 'create', '--email', 'w@example.test', '--name', 'W', '--role', 'admin'], 'short');
  expect(weak).toMatchObject({ code: 65, stderr: expect.stringMatching(/^--password: must be at least 12 characters/) });

  const deleted = await opsledger(['users', 'delete', '--email', 'ops@example.test']);
  expect(deleted).toMatchObject({ code: 0, stdout: expect.stringMatching(/^deleted admin ops@example.test/) });
  const last = await opsledger(['users', 'delete', '--email', 'root@example.test']);
  expect(last).toMatchObject({ code: 65, stderr: expect.stringMatching(/^last admin: root@example.test is the only active admin/) });
  expect((await opsledger(['users', 'delete', '--email', 'nobody@example.test'])).code).toBe(65);

  const ops = await store.read({ context: 'identity', type: 'account', id: ids['ops@example.test']! });
  expect(ops.map((e) => e.type)).toEqual([identityV1.AccountCreatedSchema.typeName, identityV1.AccountDeletedSchema.typeName]);
  for (const event of ops) expect(event).toMatchObject({ actor: asOs, source: 'cli', correlationId: expect.any(String) });
  // Each run is its own correlation id.
  expect(ops[0]!.correlationId).not.toBe(ops[1]!.correlationId);
  const root = await store.read({ context: 'identity', type: 'account', id: ids['root@example.test']! });
  expect(root.map((e) => e.type)).toEqual([identityV1.AccountCreatedSchema.typeName]);
  expect(await db.selectFrom('user_account').select('email').execute()).toEqual([{ email: 'root@example.test' }]);
});
