import { createTestDatabase, createTestNats, type TestDatabase, type TestNats } from '@opsledger/testing';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTaskEvent } from '../test-support/streams';
import { dropContextSchemas, identityDb, seedAccounts, signIn, startTestGateway } from '../test-support/test-gateway';

let pg: TestDatabase;
let nats: TestNats;
let replicas: Awaited<ReturnType<typeof startTestGateway>>[] = [];
let accounts: Awaited<ReturnType<typeof seedAccounts>>;

beforeAll(async () => {
  pg = await createTestDatabase();
  nats = await createTestNats();
  accounts = await seedAccounts(await identityDb(pg, nats.prefix));
  // Two replicas on one prefix, as Kubernetes runs them: only one holds each projection's lock.
  replicas = [await startTestGateway(pg, nats), await startTestGateway(pg, nats)];
});
afterAll(async () => {
  for (const r of replicas) await r.close();
  await dropContextSchemas(pg, nats.prefix);
  await nats.dispose();
  await pg.dispose();
});

/** An SSE client on one replica, collecting the change notices it is sent. */
async function listen(url: string, cookie: string) {
  const controller = new AbortController();
  const res = await fetch(`${url}/api/live`, { headers: { cookie }, signal: controller.signal });
  expect(res.status).toBe(200);
  const reader = res.body!.getReader();
  const ids: string[] = [];
  void (async () => {
    let buffer = '';
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        buffer += new TextDecoder().decode(value);
        for (const match of buffer.matchAll(/^data: (.+)$/gm)) ids.push((JSON.parse(match[1]!) as { id: string }).id);
        buffer = buffer.slice(buffer.lastIndexOf('\n\n') + 2);
      }
    } catch {
      // aborted
    }
  })();
  return { ids, close: () => controller.abort() };
}

it('every replica’s live clients get every notice, whichever replica projected the change', async () => {
  const clients = await Promise.all(
    replicas.map(async (r) => listen(r.url, (await signIn(r.url, accounts.admin.email, accounts.password)).cookie)),
  );
  const bob = await listen(replicas[1]!.url, (await signIn(replicas[1]!.url, accounts.bob.email, accounts.password)).cookie);
  for (const id of ['fan-1', 'fan-2', 'fan-3']) await createTaskEvent(nats, { id, userId: accounts.alice.id });
  await createTaskEvent(nats, { id: 'fan-bob', userId: accounts.bob.id });
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline && !clients.every((c) => c.ids.includes('fan-bob'))) await sleep(50);
  for (const [i, client] of clients.entries()) {
    expect(client.ids, `replica ${i}`).toEqual(expect.arrayContaining(['fan-1', 'fan-2', 'fan-3', 'fan-bob']));
  }
  // Each replica still filters by who may see: bob hears of his task only.
  while (Date.now() < deadline && !bob.ids.includes('fan-bob')) await sleep(50);
  expect(bob.ids).toEqual(['fan-bob']);
  for (const c of [...clients, bob]) c.close();
});
