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

/**
 * Fans projection changes out to SSE clients and keeps the most recent ones
 * so a client reconnecting with Last-Event-ID gets what it missed. Event ids
 * are `<epoch>-<n>`: after a gateway restart (new epoch) or a gap longer than
 * the buffer, the client is told `reset` and refetches what it shows.
 */
export class LiveHub {
  private readonly epoch = randomBytes(4).toString('hex');
  private next = 1;
  private readonly recent: StampedNotice[] = [];
  private readonly listeners = new Set<Listener>();

  constructor(private readonly capacity = 10_000) {}

  publish(notice: LiveNotice): void {
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
