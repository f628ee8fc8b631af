import { create, type DescMessage, fromBinary, type MessageInitShape, type MessageShape, toBinary } from '@bufbuild/protobuf';
import { headers as natsHeaders, type NatsConnection, RequestError, TimeoutError } from '@nats-io/transport-node';
import { type CommandDefinition, commandSubject, Headers } from '@opsledger/contracts';
import { context as otelContext, propagation } from '@opentelemetry/api';
import { CommandError, type CommandErrorBody, UnavailableError } from './command-errors';

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
  ) {}

  async send<C extends DescMessage, R extends DescMessage>(
    definition: CommandDefinition<C, R>,
    command: MessageInitShape<C>,
  ): Promise<MessageShape<R>> {
    const subject = commandSubject(definition.context, definition.name, this.prefix);
    const h = natsHeaders();
    h.set(Headers.CommandType, definition.command.typeName);
    const carrier: Record<string, string> = {};
    propagation.inject(otelContext.active(), carrier);
    for (const [key, value] of Object.entries(carrier)) h.set(key, value);

    let reply;
    try {
      reply = await this.nc.request(subject, toBinary(definition.command, create(definition.command, command)), {
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
