import { create, type JsonObject, toBinary } from '@bufbuild/protobuf';
import { ActorKind, commandSubject, eventRegistry, Headers, Source, streamName, tasksV1 } from '@opsledger/contracts';
import { ensureEventStream, EventStore } from '@opsledger/eventstore';
import { CommandClient, ConflictError, IdempotencyKeyKey, serveCommands, ValidationError } from '@opsledger/messaging';
import { headers as natsHeaders } from '@nats-io/transport-node';
import { withDomainErrorReplies } from '@opsledger/service-runtime';
import { startTelemetry } from '@opsledger/telemetry';
import { createTestNats, type TestNats } from '@opsledger/testing';
import { trace } from '@opentelemetry/api';
import { v7 as uuidv7 } from 'uuid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTaskHandler } from './create-task.handler';
import { taskRef } from '../domain/refs';

let nats: TestNats;
let client: CommandClient;
let store: EventStore;
const otel = await startTelemetry('tasks-test');

beforeAll(async () => {
  nats = await createTestNats();
  await ensureEventStream(nats.jsm, 'tasks', { prefix: nats.prefix });
  store = new EventStore(nats.js, nats.jsm, eventRegistry, nats.prefix);
  const handler = withDomainErrorReplies(createTaskHandler({ store, newId: uuidv7, now: () => new Date() }));
  serveCommands(nats.nc, [handler], { prefix: nats.prefix, queue: 'tasks' });
  client = new CommandClient(nats.nc, nats.prefix);
});
afterAll(async () => {
  await nats.dispose();
  await otel.shutdown();
});

const staff = { userId: 'admin-1', kind: ActorKind.STAFF };
const target = { userId: 'u-1', hypervisorId: 'hv-1', instanceId: 'i-1' };

describe('CreateTask through NATS', () => {
  it('an invalid field comes back to the caller as a validation error naming the field and rule', async () => {
    const error = await client
      .send(tasksV1.CreateTaskCommand, { actor: staff, type: 'instance.explode', target: { ...target, instanceId: 'i 1; drop' } })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    const violations = (error as ValidationError).violations;
    expect(violations).toContainEqual({ field: 'type', rule: 'one_of', message: expect.stringContaining('instance.deploy') });
    expect(violations).toContainEqual({ field: 'target.instanceId', rule: 'format:regex', message: 'letters, digits, _ and - only' });
  });

  it('a missing target and actor are named too', async () => {
    const error = (await client.send(tasksV1.CreateTaskCommand, { type: 'instance.deploy' }).catch((e: unknown) => e)) as ValidationError;
    expect(error.violations.map((v) => v.field).sort()).toEqual(['actor', 'target']);
  });

  it('params are checked per task type: each broken rule names params.<field> and the rule, and nothing is stored', async () => {
    const refused = async (type: string, params: JsonObject) => {
      const error = await client.send(tasksV1.CreateTaskCommand, { actor: staff, type, target, params }).catch((e: unknown) => e);
      expect(error, JSON.stringify(params)).toBeInstanceOf(ValidationError);
      return (error as ValidationError).violations;
    };
    const before = (await nats.jsm.streams.info(streamName('tasks', nats.prefix))).state.messages;
    // A fractional or huge step timeout once made the dispatcher's insert fail and stranded the task in pending.
    expect(await refused('instance.deploy', { stepTimeoutMs: 1.5 })).toEqual([
      { field: 'params.stepTimeoutMs', rule: 'type:int', message: expect.stringContaining('whole number') },
    ]);
    expect(await refused('instance.backup', { stepTimeoutMs: 1e12 })).toEqual([
      { field: 'params.stepTimeoutMs', rule: 'max:21600000', message: expect.stringContaining('6 h') },
    ]);
    expect(await refused('instance.backup', { stepTimeoutMs: 10 })).toEqual([
      expect.objectContaining({ field: 'params.stepTimeoutMs', rule: 'min:1000' }),
    ]);
    expect(await refused('instance.backup', { stepTimeoutMs: '60000' })).toEqual([
      expect.objectContaining({ field: 'params.stepTimeoutMs', rule: 'type:number' }),
    ]);
    expect(await refused('instance.deploy', { backup: 'weekly' })).toEqual([
      expect.objectContaining({ field: 'params.backup', rule: 'one_of', message: expect.stringContaining('daily') }),
    ]);
    // backup is a deploy's choice: another type does not take it, and says which parameters it does take.
    expect(await refused('instance.migrate', { backup: 'daily' })).toEqual([
      { field: 'params.backup', rule: 'unknown', message: expect.stringMatching(/instance\.migrate takes stepTimeoutMs, reason/) },
    ]);
    expect((await nats.jsm.streams.info(streamName('tasks', nats.prefix))).state.messages).toBe(before);

    for (const [type, params] of [
      ['instance.deploy', { stepTimeoutMs: 120_000, backup: 'daily' }],
      ['instance.deploy', { backup: 'none' }],
      ['instance.snapshot', { schedulerRunId: 'run-1', reason: 'daily snapshot' }],
      ['instance.migrate', {}],
    ] as const) {
      expect((await client.send(tasksV1.CreateTaskCommand, { actor: staff, type, target, params })).taskId).toBeTruthy();
    }
  });

  it('a valid command appends TaskCreated carrying the actor, source and the caller’s trace', async () => {
    const tracer = trace.getTracer('test');
    const { taskId, traceId } = await tracer.startActiveSpan('console click', async (span) => {
      const result = await client.send(tasksV1.CreateTaskCommand, {
        actor: staff,
        source: Source.CONSOLE,
        type: 'instance.deploy',
        target,
      });
      span.end();
      return { taskId: result.taskId, traceId: span.spanContext().traceId };
    });

    const [event, ...rest] = await store.read(taskRef(taskId));
    expect(rest).toHaveLength(0);
    expect(event).toMatchObject({
      type: 'platform.tasks.v1.TaskCreated',
      actor: { kind: 'staff', id: 'admin-1' },
      source: 'console',
      data: { taskId, type: 'instance.deploy', attempt: 1, target: { userId: 'u-1', hypervisorId: 'hv-1', instanceId: 'i-1' } },
    });
    // The event's traceparent belongs to the same trace as the caller's span: command → service → event.
    expect(event!.traceparent?.split('-')[1]).toBe(traceId);
  });

  it('with an Idempotency-Key: the same request twice is one task with one id; another actor or a different request is not the same', async () => {
    const key = { [IdempotencyKeyKey]: `k-${uuidv7()}` };
    const command = { actor: staff, type: 'instance.deploy', target, params: { backup: 'daily' } };
    const first = await client.send(tasksV1.CreateTaskCommand, { ...command, ...key });
    // A retry after a time-out, and two at once: the id comes from (actor, command type, key).
    const again = await Promise.all([1, 2].map(() => client.send(tasksV1.CreateTaskCommand, { ...command, ...key })));
    expect(again.map((r) => r.taskId)).toEqual([first.taskId, first.taskId]);
    expect(await store.read(taskRef(first.taskId))).toHaveLength(1);

    const changed = await client
      .send(tasksV1.CreateTaskCommand, { ...command, params: { backup: 'none' }, ...key })
      .catch((e: unknown) => e);
    expect(changed).toBeInstanceOf(ConflictError);
    expect((changed as Error).message).toMatch(/Idempotency-Key .* already used for a different request/);
    expect(await store.read(taskRef(first.taskId))).toHaveLength(1);

    const otherActor = await client.send(tasksV1.CreateTaskCommand, { ...command, actor: { ...staff, userId: 'admin-2' }, ...key });
    expect(otherActor.taskId).not.toBe(first.taskId);
    const unkeyed = await Promise.all([1, 2].map(() => client.send(tasksV1.CreateTaskCommand, command)));
    expect(new Set([first.taskId, ...unkeyed.map((r) => r.taskId)]).size).toBe(3);
  });

  it('a malformed key sent on NATS is refused naming it, by the client and by the service', async () => {
    const command = { actor: staff, type: 'instance.deploy', target, [IdempotencyKeyKey]: 'has space' };
    const error = (await client.send(tasksV1.CreateTaskCommand, command).catch((e: unknown) => e)) as ValidationError;
    expect(error.violations).toEqual([expect.objectContaining({ field: 'Idempotency-Key', rule: 'format' })]);
    const h = natsHeaders();
    h.set(Headers.IdempotencyKey, 'x'.repeat(256));
    const msg = await nats.nc.request(
      commandSubject(tasksV1.CreateTaskCommand.context, tasksV1.CreateTaskCommand.name, nats.prefix),
      toBinary(
        tasksV1.CreateTaskCommand.command,
        create(tasksV1.CreateTaskCommand.command, { actor: staff, type: 'instance.deploy', target }),
      ),
      { headers: h, timeout: 5_000 },
    );
    expect(msg.json<{ code: string; violations: { field: string }[] }>()).toMatchObject({
      code: 'validation',
      violations: [{ field: 'Idempotency-Key' }],
    });
  });
});
