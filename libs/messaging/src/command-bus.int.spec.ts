import { create, toBinary } from '@bufbuild/protobuf';
import { headers as natsHeaders } from '@nats-io/transport-node';
import { ActorKind, commandSubject, Headers, tasksV1 } from '@opsledger/contracts';
import { createTestNats, type TestNats } from '@opsledger/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { CommandClient, CorrelationIdKey } from './command-client';
import { ConflictError, ForbiddenError, NotFoundError, UnavailableError, ValidationError } from './command-errors';
import { commandSignature, SIGNATURE_MAX_AGE_MS } from './command-signature';
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

describe('signed commands (COMMAND_SIGNING_KEY)', () => {
  const key = 'test-command-signing-key-0123456789abcdef';
  const signedPrefix = () => `${nats.prefix}signed`;
  const handled: string[] = [];
  const staff = { userId: 'admin-1', kind: ActorKind.STAFF };

  beforeAll(() => {
    serveCommands(
      nats.nc,
      [
        {
          definition: tasksV1.CancelTaskCommand,
          schema: z.object({ taskId: z.string().min(1) }),
          async handle(command: tasksV1.CancelTask) {
            handled.push(command.taskId);
            return { taskId: command.taskId, version: 1n };
          },
        },
      ],
      { prefix: signedPrefix(), queue: 'signed', signingKey: key },
    );
  });

  /** Sends a CancelTask by hand, as any client on the NATS network can, with the headers given. */
  async function raw(actor: typeof staff, headers: Record<string, string>) {
    const h = natsHeaders();
    for (const [k, v] of Object.entries(headers)) h.set(k, v);
    const body = toBinary(tasksV1.CancelTaskCommand.command, create(tasksV1.CancelTaskCommand.command, { actor, taskId: 'forged' }));
    const reply = await nats.nc.request(
      commandSubject(tasksV1.CancelTaskCommand.context, tasksV1.CancelTaskCommand.name, signedPrefix()),
      body,
      { headers: h, timeout: 2_000 },
    );
    return reply.json<{ code: string; message: string }>();
  }

  it('a command signed with the key is handled; its actor is the one signed', async () => {
    const signer = new CommandClient(nats.nc, signedPrefix(), 2_000, key);
    const carried = { [CorrelationIdKey]: 'req-signed-1' };
    expect(await signer.send(tasksV1.CancelTaskCommand, { ...carried, actor: staff, taskId: 's1' })).toMatchObject({ taskId: 's1' });
    expect(handled).toEqual(['s1']);
  });

  it('unsigned, signed with another key, or an actor swapped under a real signature: refused as forbidden, naming why, and not handled', async () => {
    handled.length = 0;
    const unsigned = new CommandClient(nats.nc, signedPrefix(), 2_000);
    const error = await unsigned.send(tasksV1.CancelTaskCommand, { actor: staff, taskId: 'u1' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ForbiddenError);
    expect((error as Error).message).toMatch(/not signed/);

    const wrongKey = new CommandClient(nats.nc, signedPrefix(), 2_000, 'another-key-that-is-not-the-shared-one');
    const forged = await wrongKey.send(tasksV1.CancelTaskCommand, { actor: staff, taskId: 'w1' }).catch((e: unknown) => e);
    expect(forged).toBeInstanceOf(ForbiddenError);
    expect((forged as Error).message).toMatch(/forged or altered/);

    // A signature made for a customer, replayed on a command claiming to be staff.
    const signedAt = Date.now();
    const forCustomer = commandSignature(key, {
      actorKind: ActorKind.CUSTOMER,
      actorId: 'alice',
      source: 0,
      correlationId: '',
      commandType: tasksV1.CancelTaskCommand.command.typeName,
      signedAt,
    });
    expect(await raw(staff, { [Headers.SignedAt]: String(signedAt), [Headers.Signature]: forCustomer })).toEqual({
      code: 'forbidden',
      message: expect.stringMatching(/forged or altered/),
    });
    expect(handled).toEqual([]);
  });

  it('a genuine signature older than the allowed age is refused as stale', async () => {
    const signedAt = Date.now() - SIGNATURE_MAX_AGE_MS - 5_000;
    const fields = {
      actorKind: staff.kind,
      actorId: staff.userId,
      source: 0,
      correlationId: '',
      commandType: tasksV1.CancelTaskCommand.command.typeName,
    };
    const old = commandSignature(key, { ...fields, signedAt });
    expect(await raw(staff, { [Headers.SignedAt]: String(signedAt), [Headers.Signature]: old })).toEqual({
      code: 'forbidden',
      message: expect.stringMatching(/stale/),
    });
    expect(handled).toEqual([]);
  });
});
