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
  /** Told of each error the server sends, such as a permissions violation; by default a pino-shaped line on stderr. */
  onServerError?: (error: Error) => void;
}

/** The inbox prefix of a NATS user's requests (deploy/nats/permissions.conf lets each read its own only). */
export const natsInboxPrefix = (user: string) => `_INBOX_${user.replace(/-/g, '_')}`;

/**
 * Connects and keeps reconnecting for ever: a NATS restart is an outage to
 * ride out, not a reason for the process to die. Buffered publishes are
 * flushed on reconnect.
 */
export async function connectNats(options: NatsOptions): Promise<NatsConnection> {
  const user = options.user ?? (process.env.NATS_USER || undefined);
  const pass = options.pass ?? (process.env.NATS_PASSWORD || undefined);
  const nc = await connect({
    servers: options.url.split(','),
    name: options.name,
    // A user's requests get replies on inboxes of its own, the only ones its permissions let it read.
    ...(user ? { user, pass, inboxPrefix: natsInboxPrefix(user) } : {}),
    maxReconnectAttempts: -1,
    reconnectTimeWait: 250,
    waitOnFirstConnect: true,
  });
  void reportServerErrors(nc, options.onServerError ?? logServerError);
  return nc;
}

// A refused publish or subscription surfaces only as a connection status: said aloud, a missing permission is found
// the first time it bites rather than as a command that silently times out.
async function reportServerErrors(nc: NatsConnection, onError: (error: Error) => void) {
  for await (const status of nc.status()) if (status.type === 'error') onError(status.error);
}

function logServerError(error: Error) {
  process.stderr.write(`${JSON.stringify({ level: 50, time: Date.now(), msg: 'NATS server error', err: error.message })}\n`);
}
