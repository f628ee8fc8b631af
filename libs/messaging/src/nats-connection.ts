import { connect, type NatsConnection } from '@nats-io/transport-node';

export interface NatsOptions {
  url: string;
  /** Shown in the server's connection list; use the service name. */
  name: string;
  /**
   * The process's own NATS user (deploy/nats/permissions.conf limits what each may publish and
   * subscribe to); by default NATS_USER / NATS_PASSWORD from the environment, none when unset.
   */
  user?: string | undefined;
  pass?: string | undefined;
}

/**
 * Connects and keeps reconnecting for ever: a NATS restart is an outage to
 * ride out, not a reason for the process to die. Buffered publishes are
 * flushed on reconnect.
 */
export function connectNats(options: NatsOptions): Promise<NatsConnection> {
  const user = options.user ?? (process.env.NATS_USER || undefined);
  const pass = options.pass ?? (process.env.NATS_PASSWORD || undefined);
  return connect({
    servers: options.url.split(','),
    name: options.name,
    ...(user ? { user, pass } : {}),
    maxReconnectAttempts: -1,
    reconnectTimeWait: 250,
    waitOnFirstConnect: true,
  });
}
