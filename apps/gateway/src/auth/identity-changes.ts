import { Injectable, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import pg from 'pg';
import { IDENTITY_CHANNEL } from './identity.migrations';
import type { IdentityChange, PrincipalCache } from './principal-cache';

/** How long to wait before listening again after the connection was lost (the cache stays off meanwhile). */
const RELISTEN_AFTER_MS = 1_000;

/** What a cache of identity rows needs to hear: each change, and whether changes can be heard at all. */
export type IdentityChangeListener = Pick<PrincipalCache<unknown>, 'changed' | 'listen' | 'deafen'>;

/**
 * Hears the identity tables' change notices (LISTEN on a connection of its own) for one identity schema and passes
 * them to the principal cache. The caches are on only while this connection listens: it is switched off the moment
 * the connection fails, and on again once a new one has run LISTEN.
 */
@Injectable()
export class IdentityChanges implements OnModuleInit, OnApplicationShutdown {
  private client: pg.Client | undefined;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(
    private readonly connectionString: string,
    private readonly schema: string,
    private readonly caches: IdentityChangeListener[],
    private readonly applicationName = 'opsledger-gateway-identity',
  ) {}

  async onModuleInit() {
    await this.listen();
  }

  async onApplicationShutdown() {
    this.stopped = true;
    clearTimeout(this.timer);
    this.each((cache) => cache.deafen());
    await this.client?.end().catch(() => undefined);
  }

  private each(apply: (cache: IdentityChangeListener) => void) {
    for (const cache of this.caches) apply(cache);
  }

  private async listen(): Promise<void> {
    const client = new pg.Client({ connectionString: this.connectionString, application_name: this.applicationName });
    this.client = client;
    const lost = () => {
      if (this.client !== client) return;
      this.client = undefined;
      this.each((cache) => cache.deafen());
      client.end().catch(() => undefined);
      if (!this.stopped) this.timer = setTimeout(() => void this.listen(), RELISTEN_AFTER_MS);
    };
    client.on('error', lost);
    client.on('end', lost);
    client.on('notification', (notice) => {
      const change = parseChange(notice.payload ?? '', this.schema);
      if (change) this.each((cache) => cache.changed(change));
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${IDENTITY_CHANNEL}`);
      if (this.client === client) this.each((cache) => cache.listen());
    } catch {
      lost();
    }
  }
}

/** `<schema> user <id>` or `<schema> token <hash>`, for this schema only (other gateways on the database have theirs). */
export function parseChange(payload: string, schema: string): IdentityChange | undefined {
  const [from, kind, ...rest] = payload.split(' ');
  const key = rest.join(' ');
  if (from !== schema || !key) return undefined;
  if (kind === 'user') return { kind, id: key };
  if (kind === 'token') return { kind, hash: key };
  return undefined;
}
