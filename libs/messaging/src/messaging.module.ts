import { type DynamicModule, Inject, Injectable, Module, type OnApplicationShutdown } from '@nestjs/common';
import type { NatsConnection } from '@nats-io/transport-node';
import { CommandClient } from './command-client';
import { connectNats, type NatsOptions } from './nats-connection';

export const NATS_CONNECTION = Symbol('NATS_CONNECTION');
export const MESSAGING_OPTIONS = Symbol('MESSAGING_OPTIONS');

export interface MessagingOptions extends NatsOptions {
  /** Stream/subject prefix; empty in production, unique per test. */
  prefix?: string;
  commandTimeoutMs?: number;
}

@Injectable()
class NatsShutdown implements OnApplicationShutdown {
  constructor(@Inject(NATS_CONNECTION) private readonly nc: NatsConnection) {}

  // Drain: finish in-flight requests and deliver buffered publishes before closing.
  async onApplicationShutdown(): Promise<void> {
    if (!this.nc.isClosed()) await this.nc.drain();
  }
}

/** One NATS connection per process and the CommandClient on it. */
@Module({})
export class MessagingModule {
  static forRoot(options: MessagingOptions): DynamicModule {
    return {
      module: MessagingModule,
      global: true,
      providers: [
        { provide: MESSAGING_OPTIONS, useValue: options },
        { provide: NATS_CONNECTION, useFactory: () => connectNats(options) },
        {
          provide: CommandClient,
          inject: [NATS_CONNECTION],
          useFactory: (nc: NatsConnection) => new CommandClient(nc, options.prefix, options.commandTimeoutMs),
        },
        NatsShutdown,
      ],
      exports: [NATS_CONNECTION, MESSAGING_OPTIONS, CommandClient],
    };
  }
}
