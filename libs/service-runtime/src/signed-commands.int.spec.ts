// A context service in a deployment (COMMAND_SIGNING_KEY set) trusts a
// command's actor only when the command is signed with the shared key: a
// client on the NATS network without it cannot act as staff (issue #13 item 11).
import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ActorKind, Source, tasksV1 } from '@opsledger/contracts';
import { actorSchema, CommandClient, type CommandHandler, CorrelationIdKey, ForbiddenError } from '@opsledger/messaging';
import { baseConfigSchema, loadConfig } from '@opsledger/telemetry';
import { createTestDatabase, createTestNats, freePort, type TestDatabase, type TestNats } from '@opsledger/testing';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { z } from 'zod';
import { commandContext } from './command-context';
import { ContextServiceModule } from './context-service.module';

const KEY = 'signed-commands-test-key-0123456789abcdef';
let pg: TestDatabase;
let nats: TestNats;
let app: INestApplication;
const handled: unknown[] = [];

const cancel: CommandHandler<typeof tasksV1.CancelTaskCommand.command, typeof tasksV1.CancelTaskCommand.result> = {
  definition: tasksV1.CancelTaskCommand,
  schema: z.object({ actor: actorSchema, taskId: z.string() }),
  async handle(command, meta) {
    handled.push(commandContext(command, meta));
    return { taskId: command.taskId, version: 1n };
  },
};

beforeAll(async () => {
  pg = await createTestDatabase();
  nats = await createTestNats();
  const config = loadConfig(baseConfigSchema, {
    DATABASE_URL: process.env.DATABASE_URL,
    NATS_URL: nats.url,
    OPSLEDGER_PREFIX: nats.prefix,
    TEMPORAL_ADDRESS: `127.0.0.1:${await freePort()}`,
    LOG_LEVEL: 'warn',
    COMMAND_SIGNING_KEY: KEY,
  });
  app = await NestFactory.create(ContextServiceModule.forRoot({ context: 'tasks', config, parts: () => ({ handlers: [cancel] }) }), {
    logger: ['error'],
  });
  await app.init();
});
afterAll(async () => {
  await app?.close();
  await nats?.dispose();
  await pg?.dispose();
});

const staff = { userId: 'admin-1', kind: ActorKind.STAFF };

it('a command signed with the shared key is handled as its actor', async () => {
  const gateway = new CommandClient(nats.nc, nats.prefix, 5_000, KEY);
  const carried = { [CorrelationIdKey]: 'req-1' }; // as the gateway's commandActor(req) carries it
  await gateway.send(tasksV1.CancelTaskCommand, { ...carried, actor: staff, source: Source.CONSOLE, taskId: 't1' });
  expect(handled).toEqual([
    expect.objectContaining({ actor: { kind: 'staff', id: 'admin-1' }, source: 'console', correlationId: 'req-1' }),
  ]);
});

it('a forged actor (no key, or the wrong one) is refused as forbidden and never handled', async () => {
  handled.length = 0;
  for (const key of [undefined, 'a-guessed-key-that-is-not-the-shared-one']) {
    const intruder = new CommandClient(nats.nc, nats.prefix, 5_000, key);
    const error = await intruder.send(tasksV1.CancelTaskCommand, { actor: staff, taskId: 'forged' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ForbiddenError);
    expect((error as Error).message).toMatch(key ? /forged or altered/ : /not signed/);
  }
  expect(handled).toEqual([]);
});
