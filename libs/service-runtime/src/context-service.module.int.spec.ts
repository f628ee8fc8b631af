// The smallest context service a new context can start from: commands only,
// no dispatcher and no Temporal worker (as audit and logins will be). It
// boots with Temporal unreachable, answers /readyz, and its decider's
// refusals reach the caller as 409 and 404 without any mapping of its own.
import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { tasksV1 } from '@opsledger/contracts';
import { AggregateNotFound, RuleViolation } from '@opsledger/eventstore';
import { actorSchema, CommandClient, type CommandHandler, ConflictError, NotFoundError } from '@opsledger/messaging';
import { baseConfigSchema, loadConfig } from '@opsledger/telemetry';
import { createTestDatabase, createTestNats, freePort, type TestDatabase, type TestNats } from '@opsledger/testing';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { z } from 'zod';
import { commandContext } from './command-context';
import { ContextServiceModule } from './context-service.module';

class NoSuchThing extends AggregateNotFound {}
class AgainstTheRules extends RuleViolation {}

let pg: TestDatabase;
let nats: TestNats;
let app: INestApplication;
let url: string;
const seen: unknown[] = [];

const cancel: CommandHandler<typeof tasksV1.CancelTaskCommand.command, typeof tasksV1.CancelTaskCommand.result> = {
  definition: tasksV1.CancelTaskCommand,
  schema: z.object({ actor: actorSchema, taskId: z.string() }),
  async handle(command, meta) {
    seen.push(commandContext(command, meta));
    if (command.taskId === 'missing') throw new NoSuchThing('task missing not found');
    if (command.taskId === 'done') throw new AgainstTheRules('cannot cancel a task that is already completed');
    return { taskId: command.taskId, version: 7n };
  },
};

beforeAll(async () => {
  pg = await createTestDatabase();
  nats = await createTestNats();
  const config = loadConfig(baseConfigSchema, {
    DATABASE_URL: process.env.DATABASE_URL,
    NATS_URL: nats.url,
    OPSLEDGER_PREFIX: nats.prefix,
    // Nothing listens here: a context without workflows must never need Temporal.
    TEMPORAL_ADDRESS: `127.0.0.1:${await freePort()}`,
    LOG_LEVEL: 'warn',
  });
  app = await NestFactory.create(ContextServiceModule.forRoot({ context: 'tasks', config, parts: () => ({ handlers: [cancel] }) }), {
    logger: ['error'],
  });
  await app.listen(0, '127.0.0.1');
  url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
});
afterAll(async () => {
  await app?.close();
  await nats?.dispose();
  await pg?.dispose();
});

it('boots without a dispatcher, a worker or a reachable Temporal, and maps decider refusals to 409/404', async () => {
  const ready = await fetch(`${url}/readyz`);
  expect(ready.status).toBe(200);
  expect(((await ready.json()) as { details: Record<string, unknown> }).details).toMatchObject({
    nats: { status: 'up' },
    postgres: { status: 'up' },
  });

  const client = new CommandClient(nats.nc, nats.prefix);
  const actor = { userId: 'admin-1', kind: 1 };
  expect(await client.send(tasksV1.CancelTaskCommand, { actor, source: 2, taskId: 'fine' })).toMatchObject({ taskId: 'fine', version: 7n });
  expect(seen[0]).toMatchObject({ actor: { kind: 'staff', id: 'admin-1' }, source: 'api' });
  await expect(client.send(tasksV1.CancelTaskCommand, { actor, taskId: 'done' })).rejects.toThrow(ConflictError);
  await expect(client.send(tasksV1.CancelTaskCommand, { actor, taskId: 'done' })).rejects.toThrow(/already completed/);
  await expect(client.send(tasksV1.CancelTaskCommand, { actor, taskId: 'missing' })).rejects.toThrow(NotFoundError);
});
