import { type JetStreamClient, type JetStreamManager, jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { testEnv, uniqueToken } from './env';

export interface TestNats {
  nc: NatsConnection;
  js: JetStreamClient;
  jsm: JetStreamManager;
  /** Prefix of this test's streams and subjects. */
  prefix: string;
  url: string;
  dispose(): Promise<void>;
}

/** A connection to the real NATS server and a stream/subject prefix no other test uses. */
export async function createTestNats(url = testEnv.natsUrl): Promise<TestNats> {
  const nc = await connect({ servers: url, maxReconnectAttempts: -1, reconnectTimeWait: 250 });
  const jsm = await jetstreamManager(nc);
  const prefix = `t${uniqueToken()}`;
  return {
    nc,
    js: jetstream(nc),
    jsm,
    prefix,
    url,
    async dispose() {
      // Delete only what this test created: streams named <PREFIX>_<CONTEXT>.
      for await (const name of jsm.streams.names()) {
        if (name.startsWith(`${prefix.toUpperCase()}_`)) await jsm.streams.delete(name);
      }
      await nc.close();
    },
  };
}
