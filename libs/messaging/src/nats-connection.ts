import { connect, type NatsConnection } from '@nats-io/transport-node';

export interface NatsOptions {
  url: string;
  /** Shown in the server's connection list; use the service name. */
  name: string;
}

/**
 * Connects and keeps reconnecting for ever: a NATS restart is an outage to
 * ride out, not a reason for the process to die. Buffered publishes are
 * flushed on reconnect.
 */
export function connectNats(options: NatsOptions): Promise<NatsConnection> {
  return connect({
    servers: options.url.split(','),
    name: options.name,
    maxReconnectAttempts: -1,
    reconnectTimeWait: 250,
    waitOnFirstConnect: true,
  });
}
