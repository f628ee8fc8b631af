import { create, type DescMessage, fromBinary, type MessageInitShape, type MessageShape, toBinary } from '@bufbuild/protobuf';
import { headers as natsHeaders, type NatsConnection, RequestError, TimeoutError } from '@nats-io/transport-node';
import { type CommandDefinition, commandSubject, Headers } from '@opsledger/contracts';
import { context as otelContext, propagation } from '@opentelemetry/api';
import { CommandError, type CommandErrorBody, UnavailableError, ValidationError } from './command-errors';
import { commandSignature } from './command-signature';

/**
 * Put on a command's init object (a symbol key, so it never clashes with a
 * field and protobuf ignores it), it travels as the Ops-Correlation-Id
 * header: `{ ...commandActor(req), jobId }` carries the request's id along
 * without a parameter at every call site.
 */
export const CorrelationIdKey = Symbol.for('opsledger.correlationId');

/**
 * Put on a command's init object like CorrelationIdKey, it travels as the
 * Ops-Client-Ip header: the address of the client whose request sent it.
 */
export const ClientIpKey = Symbol.for('opsledger.clientIp');

/**
 * Put on a command's init object like CorrelationIdKey, it travels as the
 * Ops-Idempotency-Key header: the client's Idempotency-Key of the request.
 */
export const IdempotencyKeyKey = Symbol.for('opsledger.idempotencyKey');

/** An idempotency key: 1–255 letters, digits and `-_.:~+/=` (a UUID, a base64 token…). */
export function isIdempotencyKey(value: unknown): value is string {
  return typeof value === 'string' && /^[A-Za-z0-9._:~+/=-]{1,255}$/.test(value);
}

export const IDEMPOTENCY_KEY_RULE = '1–255 letters, digits or -_.:~+/= characters';

/** A client address fits a header: an IPv4 or IPv6 literal (letters, digits, `.:`, a zone `%`), at most 64. */
export function isClientIp(value: unknown): value is string {
  return typeof value === 'string' && /^[A-Za-z0-9.:%_-]{2,64}$/.test(value);
}

export interface SendOptions {
  /** Sent as Ops-Correlation-Id; wins over one carried under CorrelationIdKey. */
  correlationId?: string;
}

/** A correlation id is an opaque token that fits a header: letters, digits and `._:-`, at most 128. */
export function isCorrelationId(value: unknown): value is string {
  return typeof value === 'string' && /^[A-Za-z0-9._:-]{1,128}$/.test(value);
}

/** The correlation id a command's init object carries under CorrelationIdKey, if any. */
export function carriedCorrelationId(command: object): string | undefined {
  const value = (command as Record<symbol, unknown>)[CorrelationIdKey];
  return isCorrelationId(value) ? value : undefined;
}

/**
 * Sends commands to the service that owns them and returns its typed result,
 * or throws the service's typed error (ValidationError, NotFoundError,
 * ConflictError…) rebuilt on this side. The active trace context travels in
 * the `traceparent` header.
 */
export class CommandClient {
  constructor(
    private readonly nc: NatsConnection,
    private readonly prefix = '',
    private readonly timeoutMs = 10_000,
    /**
     * COMMAND_SIGNING_KEY: when there is one, every command is signed so the service can trust its actor.
     * By default the process's own (every process's config schema checks it at start), so each client of
     * a deployment signs — the gateway, a service's, the CLI's and the seed's alike.
     */
    private readonly signingKey: string | undefined = process.env.COMMAND_SIGNING_KEY || undefined,
  ) {}

  async send<C extends DescMessage, R extends DescMessage>(
    definition: CommandDefinition<C, R>,
    command: MessageInitShape<C>,
    options: SendOptions = {},
  ): Promise<MessageShape<R>> {
    const subject = commandSubject(definition.context, definition.name, this.prefix);
    const h = natsHeaders();
    h.set(Headers.CommandType, definition.command.typeName);
    // One that is not a token is not sent (never an error): correlation must not break a command.
    const correlationId = [options.correlationId, carriedCorrelationId(command)].find(isCorrelationId);
    if (correlationId) h.set(Headers.CorrelationId, correlationId);
    const clientIp = (command as Record<symbol, unknown>)[ClientIpKey];
    if (isClientIp(clientIp)) h.set(Headers.ClientIp, clientIp);
    // Unlike the correlation id, a key that is not a token is an error: dropping it would let a retry duplicate.
    const idempotencyKey = (command as Record<symbol, unknown>)[IdempotencyKeyKey];
    if (idempotencyKey !== undefined) {
      if (!isIdempotencyKey(idempotencyKey))
        throw new ValidationError([{ field: 'Idempotency-Key', rule: 'format', message: `must be ${IDEMPOTENCY_KEY_RULE}` }]);
      h.set(Headers.IdempotencyKey, idempotencyKey);
    }
    const carrier: Record<string, string> = {};
    propagation.inject(otelContext.active(), carrier);
    for (const [key, value] of Object.entries(carrier)) h.set(key, value);

    const message = create(definition.command, command);
    if (this.signingKey) {
      const signedAt = Date.now();
      const { actor, source } = message as { actor?: { kind: number; userId: string }; source?: number };
      h.set(Headers.SignedAt, String(signedAt));
      h.set(
        Headers.Signature,
        commandSignature(this.signingKey, {
          actorKind: actor?.kind ?? 0,
          actorId: actor?.userId ?? '',
          source: source ?? 0,
          correlationId: h.get(Headers.CorrelationId),
          commandType: definition.command.typeName,
          signedAt,
        }),
      );
    }

    let reply;
    try {
      reply = await this.nc.request(subject, toBinary(definition.command, message), {
        timeout: this.timeoutMs,
        headers: h,
      });
    } catch (error) {
      if (error instanceof RequestError && error.isNoResponders())
        throw new UnavailableError(`no ${definition.context} service is answering ${subject}`);
      if (error instanceof TimeoutError) throw new UnavailableError(`${subject} did not answer within ${this.timeoutMs} ms`);
      throw error;
    }
    if (reply.headers?.get(Headers.Status) === 'error') {
      throw CommandError.fromBody(reply.json<CommandErrorBody>());
    }
    return fromBinary(definition.result, reply.data);
  }
}
