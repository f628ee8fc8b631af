import { tasksV1 } from '@opsledger/contracts';
import { createTestNats, type TestNats } from '@opsledger/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { CommandClient, CorrelationIdKey } from './command-client';
import { ConflictError, NotFoundError, UnavailableError, ValidationError } from './command-errors';
import { type CommandMeta, serveCommands } from './command-server';

let nats: TestNats;
let client: CommandClient;
const metas: CommandMeta[] = [];

beforeAll(async () => {
  nats = await createTestNats();
  client = new CommandClient(nats.nc, nats.prefix, 2_000);
  serveCommands(
    nats.nc,
    [
      {
        definition: tasksV1.CancelTaskCommand,
        schema: z.object({ taskId: z.string().min(1) }),
        async handle(command: tasksV1.CancelTask, meta: CommandMeta) {
          metas.push(meta);
          if (command.taskId === 'missing') throw new NotFoundError('task missing not found');
          if (command.taskId === 'running') throw new ConflictError('a running task cannot be cancelled');
          if (command.taskId === 'bug') throw new TypeError('undefined is not a function');
          return { taskId: command.taskId, version: 7n };
        },
      },
    ],
    { prefix: nats.prefix, queue: 'test' },
  );
});
afterAll(() => nats.dispose());

describe('commands over NATS request/reply', () => {
  it('answers the typed result', async () => {
    expect(await client.send(tasksV1.CancelTaskCommand, { taskId: 't1' })).toMatchObject({ taskId: 't1', version: 7n });
  });

  it('a validation error names the field and rule, and arrives as ValidationError', async () => {
    const error = await client.send(tasksV1.CancelTaskCommand, { taskId: '' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).violations).toEqual([{ field: 'taskId', rule: 'required', message: expect.any(String) }]);
  });

  it.each([
    ['missing', NotFoundError, 'task missing not found'],
    ['running', ConflictError, 'a running task cannot be cancelled'],
  ])('%s → the same typed error with its message', async (taskId, type, message) => {
    const error = await client.send(tasksV1.CancelTaskCommand, { taskId }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(type);
    expect((error as Error).message).toBe(message);
  });

  it('an unexpected failure answers a generic internal error, without its details', async () => {
    const error = await client.send(tasksV1.CancelTaskCommand, { taskId: 'bug' }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'internal' });
    expect((error as Error).message).not.toContain('undefined is not a function');
  });

  it('a correlation id travels as the Ops-Correlation-Id header, carried on the command or given; a malformed one is dropped', async () => {
    metas.length = 0;
    const carried = { [CorrelationIdKey]: 'req-0001' }; // as commandActor(req) carries it
    await client.send(tasksV1.CancelTaskCommand, { ...carried, taskId: 'c1' });
    await client.send(tasksV1.CancelTaskCommand, { taskId: 'c2' }, { correlationId: 'job-0002' });
    await client.send(tasksV1.CancelTaskCommand, { taskId: 'c3' }, { correlationId: 'not a token\r\n' });
    await client.send(tasksV1.CancelTaskCommand, { taskId: 'c4' });
    expect(metas.map((m) => m.correlationId)).toEqual(['req-0001', 'job-0002', undefined, undefined]);
  });

  it('no service listening is UnavailableError, not a hang', async () => {
    const error = await client.send(tasksV1.RetryTaskCommand, { taskId: 't1' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnavailableError);
  });
});
