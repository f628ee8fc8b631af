import {
  JetStreamApiCodes,
  JetStreamApiError,
  type JetStreamManager,
  RetentionPolicy,
  StorageType,
  type StreamConfig,
} from '@nats-io/jetstream';
import { nanos } from '@nats-io/transport-node';
import { type Context, contextEventSubjects, streamName } from '@opsledger/contracts';

export interface EventStreamOptions {
  prefix?: string;
  /** 1 in development, 3 in Kubernetes (one per NATS server). */
  replicas?: number;
  /**
   * How long JetStream remembers a Nats-Msg-Id to drop a re-published event.
   * Each remembered id costs memory; 2 minutes covers a publisher's retries.
   */
  duplicateWindowMs?: number;
}

export function eventStreamConfig(context: Context, options: EventStreamOptions = {}): Partial<StreamConfig> & { name: string } {
  return {
    name: streamName(context, options.prefix),
    subjects: [contextEventSubjects(context, options.prefix)],
    storage: StorageType.File,
    retention: RetentionPolicy.Limits,
    num_replicas: options.replicas ?? 1,
    duplicate_window: nanos(options.duplicateWindowMs ?? 120_000),
    // Events are the record: keep them until a prune command removes them.
    max_age: 0,
    allow_direct: true,
    deny_delete: false,
  };
}

/**
 * Creates the context's stream, or brings it to this config: safe to call at every start. A stream already as
 * configured is left alone, so a process that only reads another context's stream needs no right to change it (on
 * a NATS with per-service users only the owner may: deploy/nats/permissions.conf).
 */
export async function ensureEventStream(jsm: JetStreamManager, context: Context, options: EventStreamOptions = {}) {
  const config = eventStreamConfig(context, options);
  try {
    const info = await jsm.streams.info(config.name);
    if (isConfigured(info.config, config)) return info;
    return await jsm.streams.update(config.name, { ...info.config, ...config });
  } catch (error) {
    if (error instanceof JetStreamApiError && error.code === JetStreamApiCodes.StreamNotFound) return jsm.streams.add(config);
    throw error;
  }
}

function isConfigured(current: StreamConfig, wanted: Partial<StreamConfig>): boolean {
  return Object.entries(wanted).every(([key, value]) => JSON.stringify(current[key as keyof StreamConfig]) === JSON.stringify(value));
}
