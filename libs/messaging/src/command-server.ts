import { create, type DescMessage, fromBinary, type MessageInitShape, type MessageShape, toBinary } from '@bufbuild/protobuf';
import { headers as natsHeaders, type Msg, type NatsConnection, type Subscription } from '@nats-io/transport-node';
import { type CommandDefinition, commandSubject, Headers } from '@opsledger/contracts';
import { context as otelContext, propagation, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import type { z } from 'zod';
import { IDEMPOTENCY_KEY_RULE, isClientIp, isCorrelationId, isIdempotencyKey } from './command-client';
import { CommandError, ForbiddenError, ValidationError } from './command-errors';
import { signatureProblem } from './command-signature';
import { validate } from './validation';

export interface CommandMeta {
  subject: string;
  /** W3C traceparent of the caller, for events the command appends. */
  traceparent: string | undefined;
  /** Ops-Correlation-Id of the caller, for events the command appends. */
  correlationId?: string | undefined;
  /** Ops-Client-Ip of the caller's client, for events the command appends. */
  clientIp?: string | undefined;
  /** The command's type name (its protobuf message), for ids derived from an idempotency key. */
  commandType?: string | undefined;
  /** Ops-Idempotency-Key of the caller: the service derives the new aggregate's id and event ids from it. */
  idempotencyKey?: string | undefined;
}

export interface CommandHandler<C extends DescMessage = any, R extends DescMessage = any> {
  definition: CommandDefinition<C, R>;
  /** Rules checked before `handle`; a broken rule answers a ValidationError naming the field. */
  schema: z.ZodType;
  handle(command: MessageShape<C>, meta: CommandMeta): Promise<MessageInitShape<R>>;
}

export interface ServeOptions {
  prefix?: string;
  /** Instances of one service share a queue group, so each command is handled once. */
  queue: string;
  onError?: (error: unknown, subject: string) => void;
  /** COMMAND_SIGNING_KEY: when given, a command whose signature is missing, forged or stale is refused (forbidden) before it is handled. */
  signingKey?: string;
}

const tracer = trace.getTracer('@opsledger/messaging');

/** Subscribes every handler on its command subject; returns the subscriptions so shutdown can drain them. */
export function serveCommands(nc: NatsConnection, handlers: readonly CommandHandler[], options: ServeOptions): Subscription[] {
  return handlers.map((handler) => {
    const subject = commandSubject(handler.definition.context, handler.definition.name, options.prefix);
    return nc.subscribe(subject, {
      queue: options.queue,
      callback: (err, msg) => {
        if (err) return options.onError?.(err, subject);
        void answer(handler, msg, subject, options);
      },
    });
  });
}

async function answer(handler: CommandHandler, msg: Msg, subject: string, options: ServeOptions): Promise<void> {
  const carrier: Record<string, string> = {};
  for (const key of [Headers.Traceparent, Headers.Tracestate]) {
    const value = msg.headers?.get(key);
    if (value) carrier[key] = value;
  }
  const parent = propagation.extract(otelContext.active(), carrier);
  await tracer.startActiveSpan(`command ${handler.definition.name}`, { kind: SpanKind.SERVER }, parent, async (span) => {
    try {
      const command = decode(handler, msg);
      if (options.signingKey) verifySignature(options.signingKey, handler, command, msg);
      validate(handler.schema, command);
      const idempotencyKey = msg.headers?.get(Headers.IdempotencyKey) || undefined;
      if (idempotencyKey !== undefined && !isIdempotencyKey(idempotencyKey))
        throw new ValidationError([{ field: 'Idempotency-Key', rule: 'format', message: `must be ${IDEMPOTENCY_KEY_RULE}` }]);
      const result = await handler.handle(command, {
        subject,
        traceparent: carrier[Headers.Traceparent],
        // Kept when it is a token, dropped (never an error) when it is not.
        correlationId: [msg.headers?.get(Headers.CorrelationId)].find(isCorrelationId),
        clientIp: [msg.headers?.get(Headers.ClientIp)].find(isClientIp),
        commandType: handler.definition.command.typeName,
        idempotencyKey,
      });
      const h = natsHeaders();
      h.set(Headers.Status, 'ok');
      msg.respond(toBinary(handler.definition.result, create(handler.definition.result, result)), { headers: h });
    } catch (error) {
      const known = error instanceof CommandError;
      if (!known) {
        span.recordException(error as Error);
        span.setStatus({ code: SpanStatusCode.ERROR });
        options.onError?.(error, subject);
      }
      const body = known ? error.toBody() : { code: 'internal', message: 'internal error; see the service log' };
      const h = natsHeaders();
      h.set(Headers.Status, 'error');
      msg.respond(JSON.stringify(body), { headers: h });
    } finally {
      span.end();
    }
  });
}

function verifySignature(key: string, handler: CommandHandler, command: object, msg: Msg): void {
  const { actor, source } = command as { actor?: { kind: number; userId: string }; source?: number };
  const problem = signatureProblem(
    key,
    {
      actorKind: actor?.kind ?? 0,
      actorId: actor?.userId ?? '',
      source: source ?? 0,
      correlationId: msg.headers?.get(Headers.CorrelationId) ?? '',
      commandType: handler.definition.command.typeName,
    },
    msg.headers?.get(Headers.SignedAt) || undefined,
    msg.headers?.get(Headers.Signature) || undefined,
  );
  if (problem) throw new ForbiddenError(`refused ${handler.definition.name}: ${problem}`);
}

function decode(handler: CommandHandler, msg: Msg) {
  try {
    return fromBinary(handler.definition.command, msg.data);
  } catch (error) {
    throw new ValidationError([{ field: '(command)', rule: 'protobuf', message: (error as Error).message }]);
  }
}
