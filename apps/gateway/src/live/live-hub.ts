import type { NatsConnection } from '@nats-io/transport-node';
import { randomBytes } from 'node:crypto';

/** What changed, for a client to refetch: `{resource, id, change}`. `ownerId` decides who may hear it and is not sent. */
export interface LiveNotice {
  resource: string;
  id: string;
  change: 'created' | 'updated' | 'deleted' | 'reset';
  ownerId?: string;
}

export interface StampedNotice extends LiveNotice {
  eventId: string;
}

type Listener = (notice: StampedNotice) => void;

/** The core NATS subject every gateway replica's hub hears notices on (`<prefix>.live.notices`). */
export const liveNoticesSubject = (prefix: string) => `${prefix ? `${prefix}.` : ''}live.notices`;

/**
 * Fans projection changes out to SSE clients and keeps the most recent ones
 * so a client reconnecting with Last-Event-ID gets what it missed. Event ids
 * are `<epoch>-<n>`: after a gateway restart (new epoch) or a gap longer than
 * the buffer, the client is told `reset` and refetches what it shows.
 *
 * With several replicas only the one holding a projection's lock sees its
 * commits: connected to NATS (`overNats`), a hub publishes each notice on a
 * core NATS subject and every replica's hub (its own included) delivers what
 * it hears there, so every replica's streams get every notice. Ids stay
 * per replica: a client that reconnects to another replica is told `reset`.
 */
export class LiveHub {
  private readonly epoch = randomBytes(4).toString('hex');
  private next = 1;
  private readonly recent: StampedNotice[] = [];
  private readonly listeners = new Set<Listener>();

  private relay: ((notice: LiveNotice) => void) | undefined;

  constructor(private readonly capacity = 10_000) {}

  /** A hub whose notices go through `subject` on NATS, to every replica's hub (this one's included). */
  static async overNats(nc: NatsConnection, subject: string, capacity?: number): Promise<LiveHub> {
    const hub = new LiveHub(capacity);
    // Left to the connection's drain at shutdown: projections still commit (and announce) while it drains.
    nc.subscribe(subject, {
      callback: (error, message) => {
        if (error) return;
        try {
          hub.deliver(message.json<LiveNotice>());
        } catch {
          // Not a notice: nothing to deliver.
        }
      },
    });
    // The subscription is registered with the server before the first notice is published.
    await nc.flush();
    hub.relay = (notice) => nc.publish(subject, JSON.stringify(notice));
    return hub;
  }

  /** A change committed by this replica's projection: to every replica's clients. */
  publish(notice: LiveNotice): void {
    if (this.relay) this.relay(notice);
    else this.deliver(notice);
  }

  /** Stamps a notice with this replica's next id and hands it to this replica's clients. */
  private deliver(notice: LiveNotice): void {
    const stamped = { ...notice, eventId: `${this.epoch}-${this.next++}` };
    this.recent.push(stamped);
    if (this.recent.length > this.capacity) this.recent.splice(0, this.recent.length - this.capacity);
    for (const listener of this.listeners) {
      // One broken client must not cost the others their notices.
      try {
        listener(stamped);
      } catch {
        this.listeners.delete(listener);
      }
    }
  }

  /** Subscribes; returns the notices missed since `lastEventId` (or a reset) and an unsubscribe function. */
  subscribe(listener: Listener, lastEventId?: string): { missed: StampedNotice[]; unsubscribe: () => void } {
    this.listeners.add(listener);
    return { missed: this.missedSince(lastEventId), unsubscribe: () => this.listeners.delete(listener) };
  }

  get clients(): number {
    return this.listeners.size;
  }

  private missedSince(lastEventId: string | undefined): StampedNotice[] {
    if (!lastEventId) return [];
    const [epoch, n] = lastEventId.split('-');
    const seen = Number(n);
    const oldest = this.recent[0] ? Number(this.recent[0].eventId.split('-')[1]) : this.next;
    if (epoch !== this.epoch || !Number.isSafeInteger(seen) || seen + 1 < oldest) {
      return [{ resource: '*', id: '*', change: 'reset', eventId: `${this.epoch}-${this.next - 1}` }];
    }
    return this.recent.filter((notice) => Number(notice.eventId.split('-')[1]) > seen);
  }
}
